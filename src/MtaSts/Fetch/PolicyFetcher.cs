using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using MtaSts.Dns;
using MtaSts.Failures;
using MtaSts.Policy;
using MtaSts.Tls;

namespace MtaSts.Fetch;

/// <summary>
/// Fetches <c>https://mta-sts.&lt;domain&gt;/.well-known/mta-sts.txt</c> under every rule of RFC 8461
/// §3.3 (rules doc §2): SNI and PKIX for the policy host, no redirects, status 200 only,
/// <c>text/plain</c>, at most 64 KiB (rejected, never truncated), one timeout for the whole fetch,
/// no HTTP caching. Every failure is returned as a typed value; this class never throws for bad input.
/// </summary>
public sealed class PolicyFetcher : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly PolicyHttpHandlerFactory _handlers;
    private readonly HttpClient _http;
    private readonly MtaStsOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a fetcher that resolves through <paramref name="resolver"/> and trusts what <paramref name="validator"/> trusts.</summary>
    public PolicyFetcher(HostAddressResolver resolver, CertificateValidator validator, MtaStsOptions options, TimeProvider? time = null)
        : this(resolver, validator, options, time, connect: null)
    {
    }

    /// <summary>As the public constructor, with the TCP connect step replaced (tests play unreachable addresses with it).</summary>
    internal PolicyFetcher(HostAddressResolver resolver, CertificateValidator validator, MtaStsOptions options, TimeProvider? time, TcpConnect? connect)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _handlers = new PolicyHttpHandlerFactory(resolver, validator, options.PolicyPort, new PolicyHostConnector(_time, connect));
        // The timeout is ours (FetchTimeout, on TimeProvider); HttpClient's own must not interfere.
        _http = new HttpClient(_handlers.Create()) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The policy URL of <paramref name="domain"/>.</summary>
    public static string PolicyUrl(string domain) => $"https://mta-sts.{domain}/.well-known/mta-sts.txt";

    /// <summary>Fetches and parses the policy of <paramref name="domain"/> (already normalised).</summary>
    public async Task<PolicyFetchResult> FetchAsync(string domain, CancellationToken cancellationToken)
    {
        var url = PolicyUrl(domain);
        using var deadline = new CancellationTokenSource(_options.FetchTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await FetchCoreAsync(domain, url, _time.GetUtcNow() + _options.FetchTimeout, linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Failed(url, FailureType.StsPolicyFetchError, $"fetching {url} timed out after {_options.FetchTimeout.TotalSeconds:0.#}s");
        }
        catch (HttpRequestException e)
        {
            return DescribeTransportFailure(url, "mta-sts." + domain, e);
        }
        catch (DnsLookupException e)
        {
            return Failed(url, FailureType.StsPolicyFetchError, $"cannot resolve mta-sts.{domain}: {e.Message}");
        }
    }

    private async Task<PolicyFetchResult> FetchCoreAsync(string domain, string url, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Options.Set(PolicyHostConnector.DeadlineKey, deadline); // the connect step shares out what is left
        // Start-up validation refuses a malformed UserAgent; a host that skips it (a library user)
        // still gets a fetch, with the default header, rather than a FormatException.
        if (!request.Headers.UserAgent.TryParseAdd(_options.UserAgent))
        {
            request.Headers.UserAgent.ParseAdd(MtaStsOptions.DefaultUserAgent);
        }

        request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

        var certificate = _handlers.LastHandshake("mta-sts." + domain)?.Certificate;
        var status = (int)response.StatusCode;
        var contentType = response.Content.Headers.ContentType?.ToString();
        var seen = new PolicyFetchResult(url, null, null, status, contentType, Certificate: certificate);

        if (status is >= 300 and < 400)
        {
            var location = response.Headers.Location?.ToString() ?? "(no Location)";
            return seen with { Failure = new(FailureType.StsPolicyFetchError, $"{url} answered HTTP {status} redirecting to {location}; RFC 8461 §3.3 forbids following redirects") };
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            return seen with { Failure = new(FailureType.StsPolicyFetchError, $"{url} answered HTTP {status} {response.ReasonPhrase}; only 200 yields a policy") };
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, "text/plain", StringComparison.OrdinalIgnoreCase))
        {
            return seen with { Failure = new(FailureType.StsPolicyFetchError, $"{url} has Content-Type '{contentType ?? "(none)"}'; it must be text/plain") };
        }

        byte[]? body;
        try
        {
            body = await PolicyBodyReader.ReadAsync(response.Content, MtaStsOptions.MaxPolicyBytes, cancellationToken);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            // After the headers, HttpClient reports a broken body (connection closed early, bad chunking)
            // as HttpIOException, not HttpRequestException: still a failed fetch, never a thrown one.
            return seen with { Failure = new(FailureType.StsPolicyFetchError, $"reading the body of {url} failed: {Innermost(e).Message}") };
        }

        if (body is null)
        {
            return seen with { Failure = new(FailureType.StsPolicyFetchError, $"{url} body is larger than {MtaStsOptions.MaxPolicyBytes / 1024} KiB; it is rejected, not truncated") };
        }

        return Parse(seen with { BodyBytes = body.Length }, body);
    }

    private static PolicyFetchResult Parse(PolicyFetchResult seen, byte[] body)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return seen with { Failure = new(FailureType.StsPolicyInvalid, $"{seen.Url} body is not valid UTF-8") };
        }

        var parsed = PolicyParser.Parse(text);
        return parsed.IsValid
            ? seen with { Policy = parsed.Policy, Body = text }
            : seen with { Body = text, Failure = new(FailureType.StsPolicyInvalid, $"{seen.Url}: {parsed.Error}") };
    }

    private PolicyFetchResult DescribeTransportFailure(string url, string host, HttpRequestException e)
    {
        var handshake = _handlers.LastHandshake(host);
        if (FindInner<AuthenticationException>(e) is not null)
        {
            var reason = handshake is { Verdict.Failure: { } failure }
                ? $"{failure.Type.ToResultType()}: {failure.Reason}"
                : $"TLS handshake with {host} failed: {Innermost(e).Message}";
            return new PolicyFetchResult(url, null, new StsFailure(FailureType.StsWebpkiInvalid, reason), Certificate: handshake?.Certificate);
        }

        if (FindInner<DnsLookupException>(e) is { } dns)
        {
            return Failed(url, FailureType.StsPolicyFetchError, $"cannot resolve {host}: {dns.Message}");
        }

        var socket = FindInner<SocketException>(e);
        var what = socket is not null ? $"cannot connect to {host}: {socket.SocketErrorCode}"
            : e.HttpRequestError == HttpRequestError.SecureConnectionError ? $"TLS handshake with {host} failed: {Innermost(e).Message}"
            : $"request to {url} failed: {Innermost(e).Message}";
        return Failed(url, FailureType.StsPolicyFetchError, what);
    }

    private static PolicyFetchResult Failed(string url, FailureType type, string reason) => new(url, null, new StsFailure(type, reason));

    private static T? FindInner<T>(Exception e) where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
