using Microsoft.Extensions.DependencyInjection;
using MtaStsRelay.Cli;
using MtaStsRelay.Transport;

return await RelayCommandLine.InvokeAsync(args, new CliContext
{
    Output = Console.Out,
    Error = Console.Error,
    ProbeFactory = sp => ActivatorUtilities.CreateInstance<StartTlsProbe>(sp),
});
