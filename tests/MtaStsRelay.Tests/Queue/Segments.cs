using System.Buffers;
using System.Text;

namespace MtaStsRelay.Tests.Queue;

/// <summary>Builds a multi-segment ReadOnlySequence, as SmtpServer hands over a large message.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Of(params string[] parts)
    {
        var first = new Segments(Encoding.UTF8.GetBytes(parts[0]), 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            var next = new Segments(Encoding.UTF8.GetBytes(part), last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
