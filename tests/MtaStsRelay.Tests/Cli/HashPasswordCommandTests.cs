using MtaStsRelay.Cli;
using MtaStsRelay.Listener;

namespace MtaStsRelay.Tests.Cli;

public class HashPasswordCommandTests
{
    [Fact]
    public async Task HashPassword_PrintsAHashThatVerifies()
    {
        var output = new StringWriter();
        var context = new CliContext { Output = output, Error = new StringWriter(), Input = new StringReader("s3cret!\n") };

        var code = await RelayCommandLine.InvokeAsync(["hash-password"], context);

        Assert.Equal(0, code);
        var hash = output.ToString().Trim();
        Assert.StartsWith("pbkdf2-sha256$", hash, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify("s3cret!", hash));
        Assert.False(PasswordHasher.Verify("other", hash));
    }

    [Fact]
    public async Task HashPassword_NoInput_UsageError()
    {
        var error = new StringWriter();
        var context = new CliContext { Output = new StringWriter(), Error = error, Input = new StringReader("") };

        var code = await RelayCommandLine.InvokeAsync(["hash-password"], context);

        Assert.Equal(2, code);
        Assert.Contains("no password", error.ToString(), StringComparison.Ordinal);
    }
}
