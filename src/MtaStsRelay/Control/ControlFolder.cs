using System.Text.Json;

namespace MtaStsRelay.Control;

/// <summary>
/// The request/answer protocol of <c>control/</c> in the spool folder, shared by both sides. Every
/// step is a rename, so each file appears whole or not at all, and a rename of a file that is gone
/// fails, which settles every race between the two sides:
/// <list type="number">
/// <item>command: writes <c>&lt;id&gt;.tmp</c> and renames it to <c>&lt;id&gt;.request</c>;</item>
/// <item>relay: claims it by renaming it to <c>&lt;id&gt;.claimed</c>, applies it, writes
/// <c>&lt;id&gt;.result-tmp</c>, renames it to <c>&lt;id&gt;.result</c> and deletes the claim;</item>
/// <item>command: reads and deletes the result; or, when tired of waiting, withdraws the request by
/// renaming it away. Exactly one of claim and withdraw succeeds, so a withdrawn request was never
/// seen by the relay, and a claimed one was (it may still be applied).</item>
/// </list>
/// </summary>
internal sealed class ControlFolder
{
    /// <summary>The folder's name inside the spool folder.</summary>
    public const string FolderName = "control";

    private const string Request = ".request";
    private const string Claimed = ".claimed";
    private const string Result = ".result";

    public ControlFolder(string spoolPath) => FolderPath = Path.Combine(Path.GetFullPath(spoolPath), FolderName);

    public string FolderPath { get; }

    /// <summary>Makes <paramref name="request"/> visible to the relay in one rename.</summary>
    public async Task SubmitAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(FolderPath);
        var temp = PathOf(request.Id, ".tmp");
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(request, ControlJsonContext.Default.ControlRequest), cancellationToken);
        File.Move(temp, PathOf(request.Id, Request));
    }

    /// <summary>Takes the request back if the relay has not claimed it; true when it was never seen.</summary>
    public bool TryWithdraw(string id)
    {
        var withdrawn = PathOf(id, ".withdrawn");
        try
        {
            File.Move(PathOf(id, Request), withdrawn);
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        File.Delete(withdrawn);
        return true;
    }

    /// <summary>The ids of the requests waiting to be claimed, oldest first.</summary>
    public IReadOnlyList<string> PendingRequestIds()
    {
        if (!Directory.Exists(FolderPath))
        {
            return [];
        }

        return [.. new DirectoryInfo(FolderPath).EnumerateFiles("*" + Request)
            .Where(f => ControlRequest.IsValidId(Path.GetFileNameWithoutExtension(f.Name)))
            .OrderBy(f => f.LastWriteTimeUtc)
            .Select(f => Path.GetFileNameWithoutExtension(f.Name))];
    }

    /// <summary>
    /// Claims request <paramref name="id"/> and reads it. Nothing when the command withdrew it first;
    /// a problem when the file cannot be read as a request (the claim is then dropped).
    /// </summary>
    public async Task<(ControlRequest? Request, string? Problem)> TryClaimAsync(string id)
    {
        var claimed = PathOf(id, Claimed);
        try
        {
            File.Move(PathOf(id, Request), claimed);
        }
        catch (FileNotFoundException)
        {
            return (null, null);
        }

        try
        {
            var request = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(claimed), ControlJsonContext.Default.ControlRequest);
            if (request is not null && request.Id == id)
            {
                return (request, null);
            }

            DropClaim(id);
            return (null, "the request does not carry its own id");
        }
        catch (JsonException e)
        {
            DropClaim(id);
            return (null, e.Message);
        }
    }

    /// <summary>Answers request <paramref name="id"/> (one rename) and removes its claim.</summary>
    public async Task AnswerAsync(string id, ControlResult result)
    {
        var temp = PathOf(id, ".result-tmp");
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(result, ControlJsonContext.Default.ControlResult));
        File.Move(temp, PathOf(id, Result), overwrite: true);
        DropClaim(id);
    }

    /// <summary>Removes the claim of a request that gets no answer (it expired: nobody waits for one).</summary>
    public void DropClaim(string id) => File.Delete(PathOf(id, Claimed));

    /// <summary>The answer to request <paramref name="id"/>, removed from the folder, or null when there is none yet.</summary>
    public async Task<ControlResult?> TryTakeResultAsync(string id)
    {
        var path = PathOf(id, Result);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        File.Delete(path);
        try
        {
            return JsonSerializer.Deserialize(bytes, ControlJsonContext.Default.ControlResult);
        }
        catch (JsonException e)
        {
            return new ControlResult(ControlResult.NoAnswer, [$"the relay's answer could not be read: {e.Message}"]);
        }
    }

    /// <summary>
    /// Watches for files matching <paramref name="filter"/> appearing (created or renamed into place)
    /// and calls <paramref name="appeared"/>; null when the platform cannot watch (callers also poll).
    /// </summary>
    public FileSystemWatcher? Watch(string filter, Action appeared)
    {
        try
        {
            Directory.CreateDirectory(FolderPath);
            var watcher = new FileSystemWatcher(FolderPath, filter) { NotifyFilter = NotifyFilters.FileName };
            watcher.Created += (_, _) => Notify(appeared);
            watcher.Renamed += (_, _) => Notify(appeared);
            watcher.Error += (_, _) => Notify(appeared); // overflow: events may be lost, so look now
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Run by the relay at start: removes claims left by a relay that stopped while applying them,
    /// and answers nobody fetched for longer than <paramref name="answerAge"/> (file age, wall clock).
    /// Requests stay: a command may be waiting for this very relay to start.
    /// </summary>
    public int RemoveLeftovers(TimeSpan answerAge)
    {
        if (!Directory.Exists(FolderPath))
        {
            return 0;
        }

        var removed = 0;
        var folder = new DirectoryInfo(FolderPath);
        foreach (var file in folder.EnumerateFiles("*" + Claimed)
            .Concat(folder.EnumerateFiles("*" + Result).Where(f => DateTime.UtcNow - f.LastWriteTimeUtc > answerAge)).ToList())
        {
            file.Delete();
            removed++;
        }

        return removed;
    }

    private static void Notify(Action appeared)
    {
        try
        {
            appeared();
        }
        catch (ObjectDisposedException)
        {
            // An event raced the end of the wait; an exception here would end the process.
        }
    }

    private string PathOf(string id, string extension) =>
        ControlRequest.IsValidId(id) ? Path.Combine(FolderPath, id + extension) : throw new ArgumentException($"'{id}' is not a request id", nameof(id));
}
