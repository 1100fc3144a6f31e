using System.Buffers;
using System.Runtime.InteropServices;

namespace MtaStsRelay.Queue;

/// <summary>
/// The few file operations the spool's guarantees rest on: write-and-fsync a new file, and fsync a
/// folder so that a rename into it survives a crash (the same steps as chasquid's safeio and
/// Postfix's cleanup: data on stable storage before the reply, the entry visible only when whole).
/// </summary>
internal static class DurableFile
{
    private const int ReadOnly = 0;

    /// <summary>
    /// Creates <paramref name="path"/> (failing if it exists), writes <paramref name="content"/> and
    /// then <paramref name="suffix"/>, and fsyncs the file before returning.
    /// </summary>
    /// <remarks>
    /// Synchronous inside: positioned writes and the fsync on the caller's thread. An asynchronous
    /// FileStream on Unix only hands each write to the thread pool and still fsyncs synchronously,
    /// so it added two thread hops per file and gained nothing (docs/benchmarks.md, relay throughput).
    /// </remarks>
    public static void WriteNew(string path, ReadOnlySequence<byte> content, ReadOnlyMemory<byte> suffix)
    {
        using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, content.Length + suffix.Length);
        long offset = 0;
        foreach (var segment in content)
        {
            RandomAccess.Write(handle, segment.Span, offset);
            offset += segment.Length;
        }

        RandomAccess.Write(handle, suffix.Span, offset);

        // fsync on Unix, FlushFileBuffers on Windows.
        RandomAccess.FlushToDisk(handle);
    }

    /// <summary>
    /// Makes the renames into <paramref name="directory"/> durable. Unix only: on Windows a folder
    /// cannot be opened for flushing, and NTFS journals renames itself.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // O_RDONLY rather than O_RDONLY|O_DIRECTORY: the value of O_DIRECTORY differs between
        // architectures (0x10000 on x64, 0x4000 on arm64), opening a folder read-only is allowed on
        // every Unix, and we created this folder ourselves so the extra check buys nothing.
        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"cannot open folder {directory} to sync it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of folder {directory} failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Deletes <paramref name="path"/> if it exists, ignoring errors: used only to clean up after a failure.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
