using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsClient;
using DnsClient.Protocol;
using SimulatedInternet;

namespace MtaSts.Tests.SimulatedInternet;

public sealed class DnsTestServerTests : IAsyncLifetime
{
    private DnsTestServer _dns = null!;

    public async Task InitializeAsync() => _dns = await DnsTestServer.StartAsync();

    public async Task DisposeAsync() => await _dns.DisposeAsync();

    [Fact]
    public async Task Query_ARecord_ReturnsAddressAuthoritatively()
    {
        _dns.AddA("mx1.example.test", "127.0.0.7");

        var response = await Client().QueryAsync("mx1.example.test", QueryType.A);

        Assert.Equal(DnsHeaderResponseCode.NoError, response.Header.ResponseCode);
        Assert.True(response.Header.HasAuthorityAnswer);
        Assert.Equal(IPAddress.Parse("127.0.0.7"), Assert.Single(response.Answers.ARecords()).Address);
    }

    [Fact]
    public async Task Query_MixedCaseWithTrailingDot_MatchesName()
    {
        _dns.AddAaaa("Host.Example.Test.", "::1");

        var response = await Client().QueryAsync("hOST.example.TEST", QueryType.AAAA);

        Assert.Equal(IPAddress.IPv6Loopback, Assert.Single(response.Answers.AaaaRecords()).Address);
    }

    [Fact]
    public async Task Query_UnicodeZoneName_AnswersALabelQuery()
    {
        _dns.AddA("mta-sts.bücher.test", "127.0.0.1");

        var response = await Client().QueryAsync("mta-sts.xn--bcher-kva.test", QueryType.A);

        Assert.Single(response.Answers.ARecords());
    }

    [Fact]
    public async Task Query_MxRecords_ReturnsPreferenceAndExchange()
    {
        _dns.AddMx("example.test", 10, "mx1.example.test");
        _dns.AddMx("example.test", 20, "mx2.example.test");

        var response = await Client().QueryAsync("example.test", QueryType.MX);

        var mx = response.Answers.MxRecords().OrderBy(r => r.Preference).ToList();
        Assert.Equal([10, 20], mx.Select(r => (int)r.Preference));
        Assert.Equal(["mx1.example.test.", "mx2.example.test."], mx.Select(r => r.Exchange.Value));
    }

    [Fact]
    public async Task Query_MultiStringTxt_ReturnsOneRecordWithEachString()
    {
        _dns.AddTxt("_mta-sts.example.test", "v=STSv1; id=2024", "0101T000000Z;");

        var response = await Client().QueryAsync("_mta-sts.example.test", QueryType.TXT);

        var txt = Assert.Single(response.Answers.TxtRecords());
        Assert.Equal(["v=STSv1; id=2024", "0101T000000Z;"], txt.Text);
    }

    [Fact]
    public async Task Query_RawByteTxt_SendsBytesUnchanged()
    {
        _dns.AddTxt("_mta-sts.bytes.test", [0x76, 0x3D, 0xC3, 0x28, 0xE9]);

        var response = await Client().QueryAsync("_mta-sts.bytes.test", QueryType.TXT);

        var text = Assert.Single(Assert.Single(response.Answers.TxtRecords()).Text);
        Assert.StartsWith("v=", text, StringComparison.Ordinal);
        Assert.Contains('\uFFFD', text); // invalid UTF-8 reached the client as such
    }

    [Fact]
    public void AddTxt_StringOver255Bytes_Throws()
    {
        Assert.Throws<ArgumentException>(() => _dns.AddTxt("long.test", new string('a', 256)));
    }

    [Fact]
    public async Task Query_Cname_ChasesTargetInZone()
    {
        _dns.AddCname("mta-sts.example.test", "policy-host.example.test");
        _dns.AddA("policy-host.example.test", "127.0.0.1");

        var response = await Client().QueryAsync("mta-sts.example.test", QueryType.A);

        var cname = Assert.Single(response.Answers.CnameRecords());
        Assert.Equal("policy-host.example.test.", cname.CanonicalName.Value);
        var a = Assert.Single(response.Answers.ARecords());
        Assert.Equal("policy-host.example.test.", a.DomainName.Value);
        Assert.Equal(IPAddress.Loopback, a.Address);
    }

    [Fact]
    public async Task Query_UnknownName_ReturnsNxDomain()
    {
        _dns.AddA("known.test", "127.0.0.1");

        var response = await Client().QueryAsync("unknown.test", QueryType.A);

        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, response.Header.ResponseCode);
        Assert.Empty(response.Answers);
    }

    [Fact]
    public async Task Query_NameWithOtherTypesOnly_ReturnsNoData()
    {
        _dns.AddA("example.test", "127.0.0.1");

        var response = await Client().QueryAsync("example.test", QueryType.MX);

        Assert.Equal(DnsHeaderResponseCode.NoError, response.Header.ResponseCode);
        Assert.False(response.HasError);
        Assert.Empty(response.Answers);
    }

    [Fact]
    public async Task Query_EmptyNonTerminal_ReturnsNoDataNotNxDomain()
    {
        _dns.AddTxt("_mta-sts.example.test", "v=STSv1; id=1;");

        var response = await Client().QueryAsync("example.test", QueryType.MX);

        Assert.Equal(DnsHeaderResponseCode.NoError, response.Header.ResponseCode);
        Assert.Empty(response.Answers);
    }

    [Theory]
    [InlineData(DnsRcode.ServFail, DnsHeaderResponseCode.ServerFailure)]
    [InlineData(DnsRcode.NXDomain, DnsHeaderResponseCode.NotExistentDomain)]
    [InlineData(DnsRcode.Refused, DnsHeaderResponseCode.Refused)]
    public async Task Query_ForcedResponseCode_ReturnsIt(DnsRcode forced, DnsHeaderResponseCode expected)
    {
        _dns.AddTxt("_mta-sts.broken.test", "v=STSv1; id=1;");
        _dns.SetResponseCode("_mta-sts.broken.test", forced);

        var response = await Client().QueryAsync("_mta-sts.broken.test", QueryType.TXT);

        Assert.Equal(expected, response.Header.ResponseCode);
        Assert.Empty(response.Answers);
    }

    [Fact]
    public async Task SetResponseCode_NoError_RestoresRecords()
    {
        _dns.AddA("flaky.test", "127.0.0.1");
        _dns.SetResponseCode("flaky.test", DnsRcode.ServFail);
        _dns.SetResponseCode("flaky.test", DnsRcode.NoError);

        var response = await Client().QueryAsync("flaky.test", QueryType.A);

        Assert.Single(response.Answers.ARecords());
    }

    [Fact]
    public async Task SetResponseCode_OneType_OtherTypesStillAnswer()
    {
        _dns.AddA("half.test", "127.0.0.1");
        _dns.AddAaaa("half.test", "::1");
        _dns.SetResponseCode("half.test", DnsRcode.ServFail, DnsRecordType.Aaaa);

        var a = await Client().QueryAsync("half.test", QueryType.A);
        var aaaa = await Client().QueryAsync("half.test", QueryType.AAAA);

        Assert.Single(a.Answers.ARecords());
        Assert.Equal(DnsHeaderResponseCode.ServerFailure, aaaa.Header.ResponseCode);
        Assert.Empty(aaaa.Answers);
    }

    [Fact]
    public async Task Query_OverTcp_Answers()
    {
        _dns.AddMx("tcp.test", 5, "mx.tcp.test");
        var options = Options();
        options.UseTcpOnly = true;

        var response = await new LookupClient(options).QueryAsync("tcp.test", QueryType.MX);

        Assert.Single(response.Answers.MxRecords());
        Assert.Equal(DnsTransport.Tcp, Assert.Single(_dns.Queries).Transport);
    }

    [Fact]
    public async Task Query_UdpAnswerOver512BytesWithoutEdns_TruncatesAndClientRetriesOverTcp()
    {
        for (var i = 0; i < 4; i++)
        {
            _dns.AddTxt("big.test", new string((char)('a' + i), 200));
        }

        var options = Options();
        options.ExtendedDnsBufferSize = 512; // no EDNS: the classic 512-byte UDP limit applies

        var response = await new LookupClient(options).QueryAsync("big.test", QueryType.TXT);

        Assert.Equal(4, response.Answers.TxtRecords().Count());
        Assert.Equal([DnsTransport.Udp, DnsTransport.Tcp], _dns.Queries.Select(q => q.Transport));
    }

    [Fact]
    public async Task Query_WithEdns_FitsLargerUdpAnswer()
    {
        for (var i = 0; i < 4; i++)
        {
            _dns.AddTxt("big.test", new string((char)('a' + i), 200));
        }

        var response = await Client().QueryAsync("big.test", QueryType.TXT);

        Assert.Equal(4, response.Answers.TxtRecords().Count());
        var query = Assert.Single(_dns.Queries);
        Assert.True(query.HadEdns);
        Assert.Equal(DnsTransport.Udp, query.Transport);
    }

    [Fact]
    public async Task Remove_WhileRunning_NextQuerySeesChange()
    {
        _dns.AddA("live.test", "127.0.0.1");
        _dns.AddTxt("live.test", "hello");
        var client = Client();
        Assert.Single((await client.QueryAsync("live.test", QueryType.A)).Answers);

        Assert.True(_dns.Remove("live.test", DnsRecordType.A));
        var afterTypeRemoved = await client.QueryAsync("live.test", QueryType.A);
        Assert.True(_dns.Remove("live.test"));
        var afterNameRemoved = await client.QueryAsync("live.test", QueryType.A);

        Assert.Equal(DnsHeaderResponseCode.NoError, afterTypeRemoved.Header.ResponseCode);
        Assert.Empty(afterTypeRemoved.Answers);
        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, afterNameRemoved.Header.ResponseCode);
    }

    [Fact]
    public async Task QueryCount_CountsPerNameAndType()
    {
        _dns.AddTxt("_mta-sts.count.test", "v=STSv1; id=1;");
        var client = Client();

        await client.QueryAsync("_mta-sts.count.test", QueryType.TXT);
        await client.QueryAsync("_MTA-STS.count.test.", QueryType.TXT);
        await client.QueryAsync("_mta-sts.count.test", QueryType.A);

        Assert.Equal(2, _dns.QueryCount("_mta-sts.count.test", DnsRecordType.Txt));
        Assert.Equal(3, _dns.QueryCount("_mta-sts.count.test"));
    }

    [Fact]
    public async Task MalformedDatagrams_DoNotStopTheServer()
    {
        _dns.AddA("after-garbage.test", "127.0.0.1");
        using (var udp = new UdpClient(AddressFamily.InterNetwork))
        {
            await udp.SendAsync(Encoding.ASCII.GetBytes("garbage").AsMemory(), _dns.EndPoint);
            // A header claiming one question, followed by a label running past the end.
            byte[] badLabel = [0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63, 0x61];
            await udp.SendAsync(badLabel.AsMemory(), _dns.EndPoint);
            var formErr = await udp.ReceiveAsync();
            Assert.Equal(1, formErr.Buffer[3] & 0x0F); // RCODE FORMERR
        }

        var response = await Client().QueryAsync("after-garbage.test", QueryType.A);

        Assert.Single(response.Answers.ARecords());
    }

    [Fact]
    public async Task SetUnresponsive_QueryTimesOut()
    {
        _dns.AddA("silent.test", "127.0.0.1");
        _dns.SetUnresponsive("silent.test");
        var options = Options();
        options.Timeout = TimeSpan.FromMilliseconds(200);

        await Assert.ThrowsAsync<DnsResponseException>(() => new LookupClient(options).QueryAsync("silent.test", QueryType.A));

        // The server logs on its own receive loop, which a loaded machine may run after the client gave up.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (_dns.QueryCount("silent.test", DnsRecordType.A) == 0)
        {
            await Task.Delay(10, bound.Token);
        }

        Assert.Equal(1, _dns.QueryCount("silent.test", DnsRecordType.A));
    }

    private LookupClient Client() => new(Options());

    private LookupClientOptions Options() => new(new NameServer(_dns.EndPoint))
    {
        UseCache = false,
        Retries = 0,
        Timeout = TimeSpan.FromSeconds(5),
        ThrowDnsErrors = false,
        ContinueOnDnsError = false,
        ContinueOnEmptyResponse = false,
    };
}
