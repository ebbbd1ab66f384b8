using System.Collections.Concurrent;
using System.Text;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hyper.Distribution.Tests.Registry;

/// <summary>
/// Stands in front of a real registry on 127.0.0.1 and demands auth as public registries do: with
/// <see cref="Scheme.Bearer"/> it challenges with a realm it serves itself (<c>/token</c>, anonymous,
/// one token per scope); with <see cref="Scheme.Basic"/> it wants <see cref="User"/>:<see cref="Password"/>.
/// Answered requests are passed to the registry unchanged.
/// </summary>
internal sealed class AuthenticatingProxy : IAsyncDisposable
{
    public const string User = "puller";
    public const string Password = "s3cret";
    public const string Service = "hyper-test-registry";

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private AuthenticatingProxy(WebApplication app, HttpClient upstream)
    {
        _app = app;
        _upstream = upstream;
    }

    public enum Scheme
    {
        Bearer,
        Basic,
    }

    /// <summary>host:port, for references.</summary>
    public string HostAndPort { get; private set; } = string.Empty;

    /// <summary>The scopes tokens were asked for, in order.</summary>
    public ConcurrentQueue<string> TokenRequests { get; } = new();

    /// <summary>The Authorization headers registry requests carried ("" for none), in order.</summary>
    public ConcurrentQueue<string> RegistryRequests { get; } = new();

    public static async Task<AuthenticatingProxy> StartAsync(RunningRegistry registry, Scheme scheme)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var proxy = new AuthenticatingProxy(app, new HttpClient { BaseAddress = registry.BaseAddress });
        app.Run(context => context.Request.Path == "/token" ? proxy.IssueTokenAsync(context) : proxy.ForwardAsync(context, scheme));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        proxy.HostAndPort = $"127.0.0.1:{address.Port}";
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private static string TokenFor(string scope) => "token-for-" + Convert.ToHexString(Encoding.UTF8.GetBytes(scope));

    private async Task IssueTokenAsync(HttpContext context)
    {
        var scope = string.Join(' ', context.Request.Query["scope"].ToArray());
        TokenRequests.Enqueue(scope);
        if (context.Request.Query["service"] != Service)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"token":"{{TokenFor(scope)}}","expires_in":300}""");
    }

    private async Task ForwardAsync(HttpContext context, Scheme scheme)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        RegistryRequests.Enqueue(authorization);
        var segments = context.Request.Path.Value!.Split('/');
        // /v2/<name…>/manifests|blobs/<reference>
        var scope = segments.Length > 4 ? $"repository:{string.Join('/', segments[2..^2])}:pull" : string.Empty;
        var expected = scheme == Scheme.Bearer
            ? $"Bearer {TokenFor(scope)}"
            : $"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"))}";
        if (authorization != expected)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = scheme == Scheme.Bearer
                ? $"Bearer realm=\"http://{HostAndPort}/token\",service=\"{Service}\",scope=\"{scope}\""
                : "Basic realm=\"hyper-test\"";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""");
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        request.Headers.TryAddWithoutValidation("Accept", context.Request.Headers.Accept.ToArray());

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
