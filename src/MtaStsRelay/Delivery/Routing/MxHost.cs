namespace MtaStsRelay.Delivery.Routing;

/// <summary>One mail exchanger of a recipient domain.</summary>
/// <param name="Name">Host name without trailing dot, lower-case.</param>
/// <param name="Preference">MX preference; 0 for an implicit MX (the domain itself).</param>
public sealed record MxHost(string Name, int Preference);
