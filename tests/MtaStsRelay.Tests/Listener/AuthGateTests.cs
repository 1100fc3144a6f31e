using MtaStsRelay.Listener;

namespace MtaStsRelay.Tests.Listener;

public sealed class AuthGateTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void TryEnter_SizeSlotsTaken_NextIsRefused(int size)
    {
        var gate = new AuthGate(size);

        var slots = Enumerable.Range(0, size).Select(_ => gate.TryEnter()).ToList();

        Assert.All(slots, Assert.NotNull);
        Assert.Null(gate.TryEnter());
    }

    [Fact]
    public void TryEnter_SlotDisposedTwice_FreesOneSlotOnly()
    {
        var gate = new AuthGate(1);
        var slot = gate.TryEnter()!;

        slot.Dispose();
        slot.Dispose();

        Assert.NotNull(gate.TryEnter());
        Assert.Null(gate.TryEnter());
    }

    [Fact]
    public void DefaultSize_AtLeastOneAndAtMostTheProcessors()
    {
        Assert.InRange(AuthGate.DefaultSize, 1, Environment.ProcessorCount);
    }
}
