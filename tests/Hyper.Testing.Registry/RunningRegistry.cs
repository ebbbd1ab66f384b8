using System.Net.Http.Headers;

using Hyper.Registry;
using Hyper.Registry.Configuration;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Hyper.Testing.Registry;

/// <summary>
/// A real hyperregistry listening on 127.0.0.1 on a free port, with its data in a temporary
/// directory: the same Kestrel, stores and handlers as production, driven over real HTTP.
/// </summary>
public sealed class RunningRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _data;

    private RunningRegistry(WebApplication app, TempDirectory data, Uri baseAddress)
    {
        _app = app;
        _data = data;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    /// <summary>host:port, as skopeo and podman name the registry.</summary>
    public string HostAndPort => $"{BaseAddress.Host}:{BaseAddress.Port}";

    public HttpClient Client { get; }

    /// <summary>The registry's services, for tests that drive a component directly.</summary>
    public IServiceProvider Services => _app.Services;

    public string DataDirectory => _data.Path;

    public static async Task<RunningRegistry> StartAsync(Action<RegistryOptions>? configure = null)
    {
        var data = new TempDirectory();
        var options = new RegistryOptions();
        options.Http.Addr = "127.0.0.1:0";
        options.Storage.Filesystem.RootDirectory = data.Path;
        options.Storage.Delete.Enabled = true;
        options.Log.Level = "warn";
        configure?.Invoke(options);

        var app = RegistryHost.Build(options);
        await RegistryHost.InitializeAsync(app, CancellationToken.None);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningRegistry(app, data, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }

    /// <summary>Sends a request with an optional body and content type.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? body = null, string? contentType = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/octet-stream");
        }

        configure?.Invoke(request);
        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _data.Dispose();
    }
}
