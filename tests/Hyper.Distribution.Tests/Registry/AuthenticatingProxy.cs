using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
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
/// one token per scope); <see cref="Scheme.BearerWithCredentials"/> is the same with a token server
/// that wants <see cref="User"/>:<see cref="Password"/> on GET (handing out <see cref="RefreshToken"/>
/// when asked for offline access) or a refresh token (or <see cref="IdentityToken"/>) on the OAuth2
/// POST form; with <see cref="Scheme.Basic"/> it wants <see cref="User"/>:<see cref="Password"/>;
/// <see cref="Scheme.None"/> asks nothing. Answered requests are passed to the registry unchanged.
/// Given a certificate, it serves HTTPS.
/// </summary>
internal sealed class AuthenticatingProxy : IAsyncDisposable
{
    public const string User = "puller";
    public const string Password = "s3cret";
    public const string Service = "hyper-test-registry";
    public const string RefreshToken = "refresh-for-puller";
    public const string IdentityToken = "identity-of-puller";

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private string _realmScheme = "http";

    private AuthenticatingProxy(WebApplication app, HttpClient upstream)
    {
        _app = app;
        _upstream = upstream;
    }

    public enum Scheme
    {
        Bearer,
        Basic,
        BearerWithCredentials,
        None,
    }

    /// <summary>host:port, for references.</summary>
    public string HostAndPort { get; private set; } = string.Empty;

    /// <summary>The scopes tokens were asked for, in order.</summary>
    public ConcurrentQueue<string> TokenRequests { get; } = new();

    /// <summary>How each token was asked for, in order: <c>GET anonymous</c>, <c>GET puller offline</c>, <c>POST refresh_token</c>, <c>POST refused</c>.</summary>
    public ConcurrentQueue<string> TokenGrants { get; } = new();

    /// <summary>False makes the token server answer the OAuth2 POST form with 405, as servers without it do.</summary>
    public bool TokenPostSupported { get; set; } = true;

    /// <summary>The Authorization headers registry requests carried ("" for none), in order.</summary>
    public ConcurrentQueue<string> RegistryRequests { get; } = new();

    public static async Task<AuthenticatingProxy> StartAsync(RunningRegistry registry, Scheme scheme, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var proxy = new AuthenticatingProxy(app, new HttpClient { BaseAddress = registry.BaseAddress });
        proxy._realmScheme = certificate is null ? "http" : "https";
        app.Run(context => context.Request.Path == "/token" ? proxy.IssueTokenAsync(context, scheme) : proxy.ForwardAsync(context, scheme));
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

    private async Task IssueTokenAsync(HttpContext context, Scheme scheme)
    {
        var request = context.Request;
        if (HttpMethods.IsPost(request.Method))
        {
            await IssueTokenForRefreshAsync(context);
            return;
        }

        var scope = string.Join(' ', request.Query["scope"].ToArray());
        TokenRequests.Enqueue(scope);
        if (request.Query["service"] != Service)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var offline = request.Query["offline_token"] == "true" && request.Query["client_id"] == "hyperbuild";
        var basic = $"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"))}";
        var withPassword = request.Headers.Authorization == basic;
        TokenGrants.Enqueue(withPassword ? $"GET {User}{(offline ? " offline" : string.Empty)}" : "GET anonymous");
        if (scheme == Scheme.BearerWithCredentials && !withPassword)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var refresh = withPassword && offline ? $",\"refresh_token\":\"{RefreshToken}\"" : string.Empty;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"token":"{{TokenFor(scope)}}","expires_in":300{{refresh}}}""");
    }

    /// <summary>The OAuth2 form: <c>grant_type=refresh_token</c> with a refresh token this server knows.</summary>
    private async Task IssueTokenForRefreshAsync(HttpContext context)
    {
        if (!TokenPostSupported)
        {
            TokenGrants.Enqueue("POST unsupported");
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        var form = await context.Request.ReadFormAsync();
        var scope = form["scope"].ToString();
        TokenRequests.Enqueue(scope);
        var known = form["refresh_token"] == RefreshToken || form["refresh_token"] == IdentityToken;
        if (form["grant_type"] != "refresh_token" || form["service"] != Service || form["client_id"] != "hyperbuild" || !known)
        {
            TokenGrants.Enqueue("POST refused");
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        TokenGrants.Enqueue("POST refresh_token");
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$"""{"access_token":"{{TokenFor(scope)}}","expires_in":300}""");
    }

    private async Task ForwardAsync(HttpContext context, Scheme scheme)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        RegistryRequests.Enqueue(authorization);
        var segments = context.Request.Path.Value!.Split('/');
        // /v2/<name…>/manifests|blobs/<reference>
        var scope = segments.Length > 4 ? $"repository:{string.Join('/', segments[2..^2])}:pull" : string.Empty;
        var bearer = scheme is Scheme.Bearer or Scheme.BearerWithCredentials;
        var expected = scheme switch
        {
            Scheme.None => authorization,
            _ when bearer => $"Bearer {TokenFor(scope)}",
            _ => $"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"))}",
        };
        if (authorization != expected)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = bearer
                ? $"Bearer realm=\"{_realmScheme}://{HostAndPort}/token\",service=\"{Service}\",scope=\"{scope}\""
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
