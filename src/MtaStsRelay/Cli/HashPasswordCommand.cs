using System.CommandLine;
using MtaStsRelay.Listener;

namespace MtaStsRelay.Cli;

/// <summary>
/// <c>mtasts-relay hash-password</c>: reads a password from standard input and prints the hash to put
/// in <c>Relay:Auth:Users:N:PasswordHash</c>, so no plain-text password ever lands in a settings file.
/// </summary>
internal static class HashPasswordCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("hash-password", "Read a password from standard input and print its hash for Relay:Auth:Users:N:PasswordHash");
        command.SetAction(async (parse, ct) =>
        {
            var password = (await context.Input.ReadLineAsync(ct))?.TrimEnd('\r');
            if (string.IsNullOrEmpty(password))
            {
                await context.Error.WriteLineAsync("hash-password: no password on standard input (e.g. `read -rs p; echo \"$p\" | mtasts-relay hash-password`)");
                return RelayCommandLine.UsageError;
            }

            await context.Output.WriteLineAsync(PasswordHasher.Hash(password));
            return 0;
        });
        return command;
    }
}
