namespace SimulatedInternet;

/// <summary>One request the <see cref="PolicyHttpsHost"/> answered: Host header (lower case), path, SNI name sent, and the status.</summary>
public sealed record PolicyRequestLogEntry(string Host, string Path, string? ServerName, int Status);
