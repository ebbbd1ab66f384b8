using System.Net.Sockets;

using Hyper.Registry.Api;
using Hyper.Registry.Configuration;
using Hyper.Registry.Core;
using Hyper.Registry.Metadata;
using Hyper.Registry.Storage;

using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Data.Sqlite;

namespace Hyper.Registry;

/// <summary>Builds the hyperregistry web application from its options: stores, services, Kestrel, routes.</summary>
public static class RegistryHost
{
    public static WebApplication Build(RegistryOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args ?? [] });

        var listen = ListenAddress.Parse(options.Http.Addr);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            HttpLimits.Apply(options.Http, kestrel.Limits);

            // Plain HTTP/1.1: HTTP/2 needs TLS negotiation, which registry clients only use with TLS.
            kestrel.Listen(listen.Address, listen.Port, endpoint => endpoint.Protocols = HttpProtocols.Http1);
        });

        builder.Logging.ClearProviders();
        var minimumLevel = options.Log.Level switch
        {
            "error" => LogLevel.Error,
            "warn" => LogLevel.Warning,
            "debug" => LogLevel.Debug,
            _ => LogLevel.Information,
        };
        builder.Logging.SetMinimumLevel(minimumLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // A failed start is reported by StartAsync as one line naming the setting (a port in use is
        // http.addr). Until the server has started, the host's error about it (with a stack trace) and its
        // messages about stopping again are held back; "Now listening on" and everything after the start
        // are not.
        WebApplication? app = null;
        foreach (var category in (string[])["Microsoft.Extensions.Hosting.Internal.Host", "Microsoft.Hosting.Lifetime"])
        {
            builder.Logging.AddFilter(category, level => level >= minimumLevel && app is { Lifetime: var lifetime }
                && (lifetime.ApplicationStarted.IsCancellationRequested || (level < LogLevel.Error && !lifetime.ApplicationStopping.IsCancellationRequested)));
        }

        if (options.Log.Formatter == "json")
        {
            builder.Logging.AddJsonConsole();
        }
        else
        {
            builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        }

        var blobStore = OpenBlobStore(options.Storage.Filesystem.RootDirectory);
        var root = blobStore.RootDirectory;
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IBlobStore>(blobStore);
        builder.Services.AddSingleton<IMetadataStore>(_ => CreateMetadataStore(options, root));
        builder.Services.AddSingleton<RepositoryBlobs>();
        builder.Services.AddSingleton<BlobUploads>();
        builder.Services.AddSingleton<RepositoryManifests>();
        builder.Services.AddSingleton<RegistryEndpoints>();
        builder.Services.AddHostedService<UploadPurging>();

        app = builder.Build();
        app.UseMiddleware<RequestLogging>();
        var endpoints = app.Services.GetRequiredService<RegistryEndpoints>();

        // Everything the registry serves is under /v2/, and RegistryRoute tells the endpoints apart:
        // no routing table to match on every request.
        app.Run(context =>
        {
            var path = context.Request.Path.Value ?? string.Empty;
            if (path == "/v2" || path.StartsWith("/v2/", StringComparison.Ordinal))
            {
                return endpoints.HandleAsync(context, path.Length > 4 ? path[4..] : string.Empty);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app;
    }

    /// <summary>Creates the metadata schema before the first request, so a bad database fails at start.</summary>
    /// <exception cref="InvalidConfigurationException">The database cannot be opened or created.</exception>
    public static async Task InitializeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.Services.GetRequiredService<IMetadataStore>().InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            var options = app.Services.GetRequiredService<RegistryOptions>();
            throw string.IsNullOrEmpty(options.Database.Url)
                ? InvalidConfigurationException.For("storage.filesystem.rootdirectory", options.Storage.Filesystem.RootDirectory, $"cannot hold the database: {e.Message}", e)
                : InvalidConfigurationException.For("database.url", options.Database.Url, $"cannot be opened: {e.Message}", e);
        }
    }

    /// <summary>
    /// Starts serving. A listen address the machine refuses (in use, not one of its addresses, a port
    /// that needs privileges) is a configuration error naming http.addr.
    /// </summary>
    /// <exception cref="InvalidConfigurationException">The address cannot be listened on.</exception>
    public static async Task StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // Stopped, not just disposed, so the services that did start end as at any other stop.
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<RegistryOptions>().Http.Addr;
            throw InvalidConfigurationException.For("http.addr", address, $"cannot be listened on: {(e.InnerException ?? e).Message}", e);
        }
    }

    /// <summary>Opens the blob store; a root directory that cannot be created or written is a configuration error.</summary>
    private static FilesystemBlobStore OpenBlobStore(string rootDirectory)
    {
        try
        {
            return new FilesystemBlobStore(rootDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw InvalidConfigurationException.For("storage.filesystem.rootdirectory", rootDirectory, $"cannot be used: {e.Message}", e);
        }
    }

    private static IMetadataStore CreateMetadataStore(RegistryOptions options, string root)
    {
        var url = options.Database.Url;
        if (string.IsNullOrEmpty(url) || url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var file = string.IsNullOrEmpty(url) ? Path.Combine(root, "registry.db") : url["sqlite:".Length..];
            return new SqliteMetadataStore(file);
        }

        throw InvalidConfigurationException.For(
            "database.url", url, "is not supported: only the embedded SQLite database is implemented; leave it empty or use sqlite:<file>");
    }
}
