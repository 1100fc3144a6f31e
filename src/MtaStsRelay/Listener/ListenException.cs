namespace MtaStsRelay.Listener;

/// <summary>
/// An address could not be bound at start (port in use, address not configured yet, no
/// permission). Its own type so that <c>run</c> can exit with a code a service manager restarts:
/// at boot the cause is often gone a few seconds later, unlike a configuration error.
/// </summary>
public sealed class ListenException : IOException
{
    /// <summary>Creates the exception; <paramref name="message"/> names the address.</summary>
    public ListenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
