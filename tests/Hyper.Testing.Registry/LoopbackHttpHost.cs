using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hyper.Testing.Registry;

/// <summary>
/// A real HTTP server on 127.0.0.1 at a free port that answers every request with one delegate: the ground the
/// tests' proxies and misbehaving registries stand on.
/// </summary>
public sealed class LoopbackHttpHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackHttpHost(WebApplication app, string hostAndPort)
    {
        _app = app;
        HostAndPort = hostAndPort;
    }

    /// <summary>host:port, for references and credentials.</summary>
    public string HostAndPort { get; }

    public static async Task<LoopbackHttpHost> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new LoopbackHttpHost(app, $"127.0.0.1:{address.Port}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
