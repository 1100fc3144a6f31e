using System.Buffers;

namespace MtaStsRelay.Listener;

/// <summary>
/// Puts a header in front of the received message without copying it: SmtpServer hands over the
/// whole message as a sequence of buffers (up to MaxMessageSize), and a copy would double that.
/// </summary>
internal static class MessageBytes
{
    public static ReadOnlySequence<byte> Prepend(ReadOnlyMemory<byte> header, ReadOnlySequence<byte> message)
    {
        var first = new Segment(header, 0);
        var last = first;
        foreach (var memory in message)
        {
            if (!memory.IsEmpty)
            {
                last = last.Append(memory);
            }
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
