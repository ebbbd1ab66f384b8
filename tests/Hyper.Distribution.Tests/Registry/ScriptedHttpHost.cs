using System.Net;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hyper.Distribution.Tests.Registry;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers every request with the script it is given: for registries that
/// misbehave on purpose (never answer, stop half-way, ask for a day's wait). Counts the requests it got.
/// </summary>
internal sealed class ScriptedHttpHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private ScriptedHttpHost(WebApplication app) => _app = app;

    /// <summary>host:port, for references.</summary>
    public string HostAndPort { get; private set; } = string.Empty;

    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>Cancelled when the request is aborted or the host stops, so a script that waits for ever ends with the test.</summary>
    public static CancellationToken Ending(HttpContext context) =>
        CancellationTokenSource.CreateLinkedTokenSource(
            context.RequestAborted, context.RequestServices.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping).Token;

    public static async Task<ScriptedHttpHost> StartAsync(RequestDelegate script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var host = new ScriptedHttpHost(app);
        app.Run(async context =>
        {
            Interlocked.Increment(ref host._requests);
            try
            {
                await script(context);
            }
            catch (OperationCanceledException)
            {
            }
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        host.HostAndPort = $"127.0.0.1:{address.Port}";
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
