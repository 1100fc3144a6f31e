using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace MtaStsRelay.Diagnostics;

/// <summary>
/// The two pages of the diagnostics endpoint, served straight from Kestrel without the ASP.NET
/// Core pipeline (no routing, no middleware): <c>GET /metrics</c> and <c>GET /health</c>; anything
/// else is 404, any other method 405. Nothing is cached: each request measures afresh.
/// </summary>
internal sealed class DiagnosticsHttpApplication(PrometheusExporter exporter, RelayHealth health) : IHttpApplication<HttpContext>
{
    public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

    public void DisposeContext(HttpContext context, Exception? exception)
    {
    }

    public Task ProcessRequestAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            response.Headers.Allow = "GET";
            return WriteAsync(response, StatusCodes.Status405MethodNotAllowed, "text/plain; charset=utf-8", "only GET is served\n"u8.ToArray());
        }

        switch (context.Request.Path.Value)
        {
            case "/metrics":
                return WriteAsync(response, StatusCodes.Status200OK, PrometheusText.ContentType, Encoding.UTF8.GetBytes(exporter.Scrape()));
            case "/health":
                var report = health.Check();
                var status = report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
                return WriteAsync(response, status, "application/json; charset=utf-8", HealthJson.Write(report));
            default:
                return WriteAsync(response, StatusCodes.Status404NotFound, "text/plain; charset=utf-8", "not found: see /metrics and /health\n"u8.ToArray());
        }
    }

    private static async Task WriteAsync(HttpResponse response, int status, string contentType, byte[] body)
    {
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body);
    }
}
