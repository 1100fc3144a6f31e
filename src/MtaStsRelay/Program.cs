using MtaStsRelay.Cli;

return await RelayCommandLine.InvokeAsync(args, new CliContext { Output = Console.Out, Error = Console.Error, Input = Console.In });
