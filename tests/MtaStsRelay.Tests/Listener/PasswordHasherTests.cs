using MtaStsRelay.Listener;

namespace MtaStsRelay.Tests.Listener;

public sealed class PasswordHasherTests
{
    [Fact]
    public void Hash_Password_HasDocumentedFormatAndVerifies()
    {
        var hash = PasswordHasher.Hash("s3cret pässword", PasswordHasher.MinimumIterations);

        Assert.Matches(@"^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$", hash);
        Assert.True(PasswordHasher.Verify("s3cret pässword", hash));
    }

    [Fact]
    public void Hash_SamePasswordTwice_DifferentSalt()
    {
        Assert.NotEqual(PasswordHasher.Hash("pw", 1000), PasswordHasher.Hash("pw", 1000));
    }

    [Fact]
    public void Hash_Default_Uses600000Iterations()
    {
        Assert.StartsWith("pbkdf2-sha256$600000$", PasswordHasher.Hash("pw"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pw ")]
    [InlineData("PW")]
    [InlineData("")]
    public void Verify_WrongPassword_False(string attempt)
    {
        Assert.False(PasswordHasher.Verify(attempt, PasswordHasher.Hash("pw", 1000)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("pw")]
    [InlineData("pbkdf2-sha256$0$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("pbkdf2-sha256$abc$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("pbkdf2-sha256$1000$***$AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha1$1000$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==")]
    public void Verify_MalformedHash_FalseNotThrow(string hash)
    {
        Assert.False(PasswordHasher.Verify("pw", hash));
    }
}
