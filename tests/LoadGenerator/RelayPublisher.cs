using System.Diagnostics;

namespace LoadGenerator;

/// <summary>Publishes src/MtaStsRelay in Release when no <c>--relay-dll</c> is given, as the reproduction command does by hand.</summary>
internal static class RelayPublisher
{
    public static async Task<string> PublishAsync(string outputFolder, CancellationToken cancellationToken)
    {
        var project = Path.Combine(FindRepositoryRoot(), "src", "MtaStsRelay");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "publish", project, "-c", "Release", "-o", outputFolder, "--nologo", "-v", "quiet" })
        {
            start.ArgumentList.Add(argument);
        }

        Console.WriteLine($"Publishing {project} to {outputFolder} …");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{await output}{await errors}");
        }

        return Path.Combine(outputFolder, "mtasts-relay.dll");
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "MtaStsRelay.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("MtaStsRelay.sln not found above the generator; pass --relay-dll");
    }
}
