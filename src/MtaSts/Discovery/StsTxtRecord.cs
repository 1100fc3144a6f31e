namespace MtaSts.Discovery;

/// <summary>A valid <c>_mta-sts</c> TXT record (RFC 8461 §3.1).</summary>
/// <param name="Id">The <c>id</c> field: 1–32 letters or digits.</param>
/// <param name="Text">The record text as published (strings joined with no separator).</param>
public sealed record StsTxtRecord(string Id, string Text);

/// <summary>What the TXT answer for <c>_mta-sts.&lt;domain&gt;</c> says.</summary>
public enum TxtSelectionStatus
{
    /// <summary>Exactly one record starts with <c>v=STSv1</c> and it is valid.</summary>
    Found,

    /// <summary>No record starts with <c>v=STSv1</c>: the domain publishes no policy.</summary>
    NoRecord,

    /// <summary>Several STS records, or one that breaks the grammar: no policy is available from DNS.</summary>
    Invalid,
}

/// <summary>The record chosen from a TXT answer, or why none was.</summary>
/// <param name="Status">The verdict.</param>
/// <param name="Record">The record when <paramref name="Status"/> is <see cref="TxtSelectionStatus.Found"/>.</param>
/// <param name="Reason">Why no record was chosen, for <see cref="TxtSelectionStatus.Invalid"/> (and a short note for NoRecord).</param>
public sealed record TxtSelection(TxtSelectionStatus Status, StsTxtRecord? Record, string? Reason);
