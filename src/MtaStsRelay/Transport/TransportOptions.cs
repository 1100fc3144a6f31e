using System.ComponentModel.DataAnnotations;

namespace MtaStsRelay.Transport;

/// <summary>Timeouts of one outbound SMTP session, bound from <c>Relay:Delivery</c>.</summary>
public sealed class TransportOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Relay:Delivery";

    /// <summary>How long to wait for the TCP connection to an MX address.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long any single read or write may take (MailKit's per-I/O timeout). RFC 5321 §4.5.3.2
    /// suggests 5 minutes for the greeting and 10 for the end of data; 2 minutes keeps workers moving
    /// and is still far above what a healthy server needs.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long any single read or write may take once the transaction starts (MAIL to the reply
    /// after the final dot), at least <see cref="CommandTimeout"/>. RFC 5321 §4.5.3.2.6: the server
    /// may scan the message before it answers, and a sender that gives up early sends it twice.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The cap on a whole session, from connect to QUIT, so a trickling server cannot hold a worker;
    /// above <see cref="DataTimeout"/>, so a slow final reply is waited for.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "06:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(15);
}
