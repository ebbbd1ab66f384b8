using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Hyper.Distribution.Tests.Registry;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers every request with the script it is given: for registries that
/// misbehave on purpose (never answer, stop half-way, ask for a day's wait). Counts the requests it got.
/// </summary>
internal sealed class ScriptedHttpHost : IAsyncDisposable
{
    private LoopbackHttpHost? _host;
    private int _requests;

    /// <summary>host:port, for references.</summary>
    public string HostAndPort => _host?.HostAndPort ?? string.Empty;

    public int RequestCount => Volatile.Read(ref _requests);

    /// <summary>Cancelled when the request is aborted or the host stops, so a script that waits for ever ends with the test.</summary>
    public static CancellationToken Ending(HttpContext context) =>
        CancellationTokenSource.CreateLinkedTokenSource(
            context.RequestAborted, context.RequestServices.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping).Token;

    public static async Task<ScriptedHttpHost> StartAsync(RequestDelegate script)
    {
        var host = new ScriptedHttpHost();
        host._host = await LoopbackHttpHost.StartAsync(async context =>
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
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
