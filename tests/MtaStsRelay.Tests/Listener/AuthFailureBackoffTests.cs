using System.Net;
using Microsoft.Extensions.Time.Testing;
using MtaStsRelay.Listener;

namespace MtaStsRelay.Tests.Listener;

public sealed class AuthFailureBackoffTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.7");

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void RecordFailure_MaxFailuresWithinWindow_LocksOnTheLastOne()
    {
        var backoff = new AuthFailureBackoff(clock);

        var started = Fail(backoff, Client, AuthFailureBackoff.MaxFailures - 1);
        Assert.False(backoff.IsLocked(Client));
        var last = backoff.RecordFailure(Client);

        Assert.False(started);
        Assert.True(last);
        Assert.True(backoff.IsLocked(Client));
    }

    [Fact]
    public void IsLocked_LockTimePassed_Unlocked()
    {
        var backoff = new AuthFailureBackoff(clock);
        Fail(backoff, Client, AuthFailureBackoff.MaxFailures);

        clock.Advance(AuthFailureBackoff.LockTime - TimeSpan.FromSeconds(1));
        Assert.True(backoff.IsLocked(Client));
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.False(backoff.IsLocked(Client));
    }

    [Fact]
    public void RecordFailure_SpreadOverMoreThanWindow_NotLocked()
    {
        var backoff = new AuthFailureBackoff(clock);
        Fail(backoff, Client, AuthFailureBackoff.MaxFailures - 1);

        clock.Advance(AuthFailureBackoff.Window);
        backoff.RecordFailure(Client);

        Assert.False(backoff.IsLocked(Client));
    }

    [Fact]
    public void RecordSuccess_AfterFailures_CountStartsAgain()
    {
        var backoff = new AuthFailureBackoff(clock);
        Fail(backoff, Client, AuthFailureBackoff.MaxFailures - 1);

        backoff.RecordSuccess(Client);
        backoff.RecordFailure(Client);

        Assert.False(backoff.IsLocked(Client));
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("192.0.2.7", "192.0.2.8", false)]
    public void IsLocked_OtherAddress_SharedOnlyWithinAnIpv6Slash64(string failing, string other, bool locked)
    {
        var backoff = new AuthFailureBackoff(clock);

        Fail(backoff, IPAddress.Parse(failing), AuthFailureBackoff.MaxFailures);

        Assert.Equal(locked, backoff.IsLocked(IPAddress.Parse(other)));
    }

    [Fact]
    public void RecordFailure_TableFullOfFreshEntries_NewAddressNotTracked()
    {
        var backoff = new AuthFailureBackoff(clock);
        for (var i = 0; i < AuthFailureBackoff.MaxTrackedClients; i++)
        {
            backoff.RecordFailure(new IPAddress(BitConverter.GetBytes(0x0A000000 + i)));
        }

        Fail(backoff, Client, AuthFailureBackoff.MaxFailures);
        Assert.False(backoff.IsLocked(Client));

        clock.Advance(AuthFailureBackoff.Window);
        Fail(backoff, Client, AuthFailureBackoff.MaxFailures);
        Assert.True(backoff.IsLocked(Client));
    }

    [Fact]
    public void IsLocked_UnknownAddress_NeverLocked()
    {
        var backoff = new AuthFailureBackoff(clock);

        Fail(backoff, null, AuthFailureBackoff.MaxFailures);

        Assert.False(backoff.IsLocked(null));
    }

    private static bool Fail(AuthFailureBackoff backoff, IPAddress? client, int times)
    {
        var started = false;
        for (var i = 0; i < times; i++)
        {
            started |= backoff.RecordFailure(client);
        }

        return started;
    }
}
