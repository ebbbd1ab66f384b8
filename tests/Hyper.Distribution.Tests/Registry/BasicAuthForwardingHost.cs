using System.Collections.Concurrent;
using System.Net;
using System.Text;

using Microsoft.AspNetCore.Http;

namespace Hyper.Distribution.Tests.Registry;

/// <summary>
/// A host on 127.0.0.1 in front of a real registry that wants HTTP Basic with its own user and password (or
/// nothing, without a user) and passes everything on, bodies included. Given another such host as its
/// <c>uploadsTo</c>, it hands every upload session there (<c>Location: http://OTHER/…</c> on the POST), as
/// registries hand uploads to a storage or CDN host: the other host is a different host:port with different
/// credentials. It answers a challenge without reading the body, as Go's net/http servers do. Records the
/// Authorization of every request.
/// </summary>
internal sealed class BasicAuthForwardingHost : IAsyncDisposable
{
    private readonly HttpClient _upstream;
    private readonly string? _expected;
    private readonly BasicAuthForwardingHost? _uploadsTo;

    private LoopbackHttpHost? _host;

    private BasicAuthForwardingHost(HttpClient upstream, string? expected, BasicAuthForwardingHost? uploadsTo)
    {
        _upstream = upstream;
        _expected = expected;
        _uploadsTo = uploadsTo;
    }

    /// <summary>host:port, for references and credentials.</summary>
    public string HostAndPort => _host?.HostAndPort ?? string.Empty;

    /// <summary>Every request as <c>METHOD path Authorization</c> (<c>-</c> for none), in order of arrival.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The Authorization header that <paramref name="user"/> and <paramref name="password"/> make.</summary>
    public static string Basic(string user, string password) =>
        $"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"))}";

    public static async Task<BasicAuthForwardingHost> StartAsync(
        RunningRegistry registry, string? user, string? password, BasicAuthForwardingHost? uploadsTo = null)
    {
        var upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = registry.BaseAddress };
        var host = new BasicAuthForwardingHost(upstream, user is null ? null : Basic(user, password!), uploadsTo);
        host._host = await LoopbackHttpHost.StartAsync(host.ForwardAsync);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _upstream.Dispose();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        Requests.Enqueue($"{context.Request.Method} {context.Request.Path} {(authorization.Length == 0 ? "-" : authorization)}");
        if (_expected is not null && authorization != _expected)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{HostAndPort}\"";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""");
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        request.Headers.TryAddWithoutValidation("Accept", context.Request.Headers.Accept.ToArray());
        if (context.Request.ContentLength is not null || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
            foreach (var name in new[] { "Content-Type", "Content-Range", "Content-Length" })
            {
                if (context.Request.Headers.TryGetValue(name, out var value))
                {
                    request.Content.Headers.TryAddWithoutValidation(name, value.ToArray());
                }
            }
        }

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        if (response.Headers.Location is { } location)
        {
            // Relative to the registry, or absolute on it: either way the path is the registry's.
            var path = location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
            var opensUpload = HttpMethods.IsPost(context.Request.Method) && response.StatusCode == HttpStatusCode.Accepted;
            context.Response.Headers.Location = _uploadsTo is not null && opensUpload ? $"http://{_uploadsTo.HostAndPort}{path}" : path;
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
