using Hyper.Registry.Api;
using Hyper.Registry.Configuration;
using Hyper.Registry.Core;
using Hyper.Registry.Metadata;
using Hyper.Registry.Storage;

using Microsoft.AspNetCore.Server.Kestrel.Core;

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
        builder.Logging.SetMinimumLevel(options.Log.Level switch
        {
            "error" => LogLevel.Error,
            "warn" => LogLevel.Warning,
            "debug" => LogLevel.Debug,
            _ => LogLevel.Information,
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (options.Log.Formatter == "json")
        {
            builder.Logging.AddJsonConsole();
        }
        else
        {
            builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        }

        var root = Path.GetFullPath(options.Storage.Filesystem.RootDirectory);
        Directory.CreateDirectory(root);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IBlobStore>(_ => new FilesystemBlobStore(root));
        builder.Services.AddSingleton<IMetadataStore>(_ => CreateMetadataStore(options, root));
        builder.Services.AddSingleton<RepositoryBlobs>();
        builder.Services.AddSingleton<BlobUploads>();
        builder.Services.AddSingleton<RepositoryManifests>();
        builder.Services.AddSingleton<RegistryEndpoints>();
        builder.Services.AddHostedService<UploadPurging>();

        var app = builder.Build();
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
    public static async Task InitializeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.Services.GetRequiredService<IMetadataStore>().InitializeAsync(cancellationToken).ConfigureAwait(false);
    }

    private static IMetadataStore CreateMetadataStore(RegistryOptions options, string root)
    {
        var url = options.Database.Url;
        if (string.IsNullOrEmpty(url) || url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var file = string.IsNullOrEmpty(url) ? Path.Combine(root, "registry.db") : url["sqlite:".Length..];
            return new SqliteMetadataStore(file);
        }

        throw new InvalidOperationException(
            $"database.url '{url}' is not supported yet: leave it empty for the embedded SQLite database, or use sqlite:<file>");
    }
}
