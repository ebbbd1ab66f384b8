using System.CommandLine;

using Hyper.Build.Cache;
using Hyper.Build.Context;
using Hyper.Build.Engine;
using Hyper.Build.Execution;
using Hyper.Build.Images;
using Hyper.Build.Solver;
using Hyper.Cli.Output;
using Hyper.Distribution;
using Hyper.Distribution.Content;
using Hyper.Distribution.Registry;
using Hyper.Distribution.Registry.Credentials;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

public static partial class BuildCommand
{
    /// <summary>A failed step (a RUN that exited non-zero, a COPY of a missing file …).</summary>
    public const int BuildFailed = 1;

    /// <summary>The command-line values of a build, as given.</summary>
    internal sealed record BuildArguments(
        string Context,
        string? File,
        IReadOnlyList<string> BuildArgs,
        string? Target,
        string? Platform,
        IReadOnlyList<string> Tags,
        IReadOnlyList<string> Outputs,
        string Compression,
        string Format,
        string Network,
        string Progress,
        IReadOnlyList<string> BuildContexts,
        bool Pull,
        IReadOnlyList<string> InsecureRegistries,
        bool Push,
        IReadOnlyList<string> Secrets,
        IReadOnlyList<string> SshAgents)
    {
        /// <summary><c>--no-cache</c>: run every step.</summary>
        public bool NoCache { get; init; }

        /// <summary><c>--no-cache-filter</c>: stages whose steps run even when cached.</summary>
        public IReadOnlyList<string> NoCacheFilter { get; init; } = [];

        /// <summary><c>--cache-to</c>: where to export the build cache.</summary>
        public IReadOnlyList<string> CacheTo { get; init; } = [];

        /// <summary><c>--cache-from</c>: build cache to import.</summary>
        public IReadOnlyList<string> CacheFrom { get; init; } = [];

        /// <summary><c>--jobs</c>: how many stages build at once.</summary>
        public int Jobs { get; init; } = Environment.ProcessorCount;

        /// <summary>Where credentials are read (<c>--authfile</c>, or the environment's).</summary>
        public AuthFileLocations AuthFiles { get; init; } = AuthFileLocations.Resolve();
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    internal static async Task<int> BuildAsync(ParseResult parse, BuildArguments arguments, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        var outputs = arguments.Outputs.Select(ImageOutput.Parse).ToList();
        var cacheTo = arguments.CacheTo.Select(static c => CacheOption.Parse(c, export: true)).ToList();
        var cacheFrom = arguments.CacheFrom.Select(static c => CacheOption.Parse(c, export: false)).ToList();
        var tags = arguments.Tags.Select(ParseTag).ToList();
        var push = arguments.Push || outputs.Any(static o => o.Type == OutputType.Registry);
        if (push && tags.Count == 0)
        {
            error.WriteLine("hyperbuild: pushing (--push, type=registry) needs a name to push to: give -t REGISTRY/REPOSITORY[:TAG]");
            return UsageFailed;
        }

        using var context = await BuildContext.OpenAsync(arguments.Context, arguments.File, Console.OpenStandardInput(), cancellationToken).ConfigureAwait(false);
        var request = new BuildRequest
        {
            Context = context,
            Options = new BuildOptions
            {
                BuildArgs = ParseBuildArgs(arguments.BuildArgs),
                Target = string.IsNullOrEmpty(arguments.Target) ? null : arguments.Target,
                TargetPlatform = ParsePlatform(arguments.Platform),
            },
            Tags = tags,
            Compression = arguments.Compression switch
            {
                "zstd" => LayerCompression.Zstd,
                "none" or "uncompressed" => LayerCompression.None,
                _ => LayerCompression.Gzip,
            },
            Format = arguments.Format == "docker" ? ManifestFormat.Docker : ManifestFormat.Oci,
            Network = arguments.Network switch
            {
                "none" => NetworkMode.None,
                "host" => NetworkMode.Host,
                _ => NetworkMode.Default,
            },
            NamedContexts = ParseBuildContexts(arguments.BuildContexts),
            Pull = arguments.Pull,
            Secrets = ParseSecrets(arguments.Secrets),
            NoCache = arguments.NoCache,
            NoCacheFilter = arguments.NoCacheFilter.SelectMany(static f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(static f => f.ToLowerInvariant())
                .ToHashSet(StringComparer.Ordinal),
            SshAgents = ParseSshAgents(arguments.SshAgents),
            Jobs = arguments.Jobs,
        };

        using var root = await DataRoot.OpenAsync(parse, cancellationToken).ConfigureAwait(false);
        using var inUse = await root.LockForUseAsync(cancellationToken).ConfigureAwait(false);
        // Base images from private registries pull with what hyperbuild login (or docker/podman login) kept.
        var clientOptions = RegistryClientEnvironment.CreateOptions(AuthFileCredentialProvider.For(arguments.AuthFiles));
        foreach (var registry in arguments.InsecureRegistries)
        {
            clientOptions.InsecureRegistries.Add(registry);
        }

        using var locations = new ImageLocations(new RegistryClient(clientOptions), parse);
        var client = locations.Client;
        var builder = root.CreateBuilder(new RegistryImageSource(root.Images, new ImagePuller(client)));
        try
        {
            request = request with
            {
                CacheImports = await ImportCachesAsync(locations, cacheFrom, error, cancellationToken).ConfigureAwait(false),
                InlineCache = cacheTo.Any(static c => c.Inline),
            };
            var result = await WithProgressAsync(arguments.Progress, error, progress => builder.BuildAsync(request, progress, cancellationToken)).ConfigureAwait(false);
            foreach (var output in outputs.Where(static o => o.Type != OutputType.Registry))
            {
                await ImageExporter.ExportAsync(root.Images, result.Manifest, output, tags, cancellationToken).ConfigureAwait(false);
                error.WriteLine($"exported {result.Manifest.Digest} to {output.Type.ToString().ToLowerInvariant()} {output.Destination}");
            }

            if (push)
            {
                await PushAsync(root.Images, result.Manifest, tags, client, arguments.Progress, error, cancellationToken).ConfigureAwait(false);
            }

            foreach (var destination in cacheTo.Where(static c => !c.Inline))
            {
                await ExportCacheAsync(result, destination, root, locations, error, cancellationToken).ConfigureAwait(false);
            }

            // Last: the limit may prune layers the cache export above still had to read. Only when no other build
            // uses the root (their new layers are not referenced yet); otherwise one of them prunes when it ends.
            inUse.Dispose();
            using (var collecting = root.TryLockForCollection())
            {
                if (collecting is not null)
                {
                    await KeepCacheUnderLimitAsync(root, error, cancellationToken).ConfigureAwait(false);
                }
            }

            error.WriteLine($"image {result.Id}{(tags.Count == 0 ? string.Empty : " named " + string.Join(", ", tags))}");
            return Ok;
        }
        catch (BuildFailedException e)
        {
            foreach (var line in e.OutputTail)
            {
                error.WriteLine($"  {line}");
            }

            error.WriteLine($"ERROR: {e.Message}");
            return BuildFailed;
        }
        catch (Exception e) when (e is KeyNotFoundException or RegistryClientException or DigestMismatchException or PlatformNotFoundException or InvalidOciDocumentException)
        {
            error.WriteLine($"ERROR: {e.Message}");
            return BuildFailed;
        }
    }

    /// <summary>Writes the build cache to one <c>--cache-to</c>; with <c>ignore-error=true</c> a failure is a warning.</summary>
    private static async Task ExportCacheAsync(
        BuildResult result, CacheOption destination, DataRoot root, ImageLocations locations, TextWriter error, CancellationToken cancellationToken)
    {
        var records = destination.AllStages ? result.AllCacheRecords : result.ImageCacheRecords;
        try
        {
            var artifact = await CacheManifest.CreateAsync(records, root.Images.Layout, cancellationToken).ConfigureAwait(false);
            await (await locations.CreateDestinationAsync(destination.Location!, cancellationToken).ConfigureAwait(false)).WriteAsync(artifact, progress: null, cancellationToken).ConfigureAwait(false);
            error.WriteLine($"exported build cache ({records.Count} steps) to {destination.Location}");
        }
        catch (Exception e) when (destination.IgnoreError && e is RegistryClientException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"WARNING: build cache not exported to {destination.Location}: {e.Message}");
        }
    }

    /// <summary>
    /// Reads the records of each <c>--cache-from</c>. As BuildKit, cache that cannot be read (not pushed yet, no such
    /// directory) is a warning, not an error: the build runs without it.
    /// </summary>
    private static async Task<IReadOnlyList<ImportedCache>> ImportCachesAsync(
        ImageLocations locations, IReadOnlyList<CacheOption> sources, TextWriter error, CancellationToken cancellationToken)
    {
        var imports = new List<ImportedCache>();
        // --cache-from is never inline (only --cache-to type=inline is): every source has a location.
        foreach (var location in sources.Select(static s => s.Location).OfType<ImageLocation>())
        {
            try
            {
                var content = await locations.OpenSourceAsync(location, cancellationToken).ConfigureAwait(false);
                var imported = await ImportedCache.LoadAsync(location.ToString(), content, cancellationToken).ConfigureAwait(false);
                error.WriteLine($"importing build cache from {location}: {imported.Count} steps");
                imports.Add(imported);
            }
            catch (Exception e) when (e is RegistryClientException or IOException or KeyNotFoundException or InvalidOciDocumentException or DigestMismatchException)
            {
                error.WriteLine($"WARNING: no build cache imported from {location}: {e.Message}");
            }
        }

        return imports;
    }

    /// <summary>Prunes the least recently used cache once the cache holds more than its limit (<see cref="DataRoot.CacheLimit"/>).</summary>
    private static async Task KeepCacheUnderLimitAsync(DataRoot root, TextWriter error, CancellationToken cancellationToken)
    {
        // A build that took every step from the cache stored nothing: no need to read every record to measure it.
        var limit = root.CacheLimit;
        if (!root.Cache.HasAdded || root.Cache.Size() <= limit)
        {
            return;
        }

        var pruned = await root.Cache.PruneAsync(root.Images, root.Snapshots, limit, cancellationToken).ConfigureAwait(false);
        error.WriteLine($"build cache over its limit of {ByteSize.Format(limit)}: pruned {pruned.Records} records, {ByteSize.Format(pruned.BlobBytes)}");
    }

    /// <summary>Pushes the built image from the store to each of its names, one after the other: later ones find the blobs there.</summary>
    private static async Task PushAsync(
        ImageStore store, Manifest manifest, IReadOnlyList<Reference> names, RegistryClient client, string progressMode, TextWriter error, CancellationToken cancellationToken)
    {
        var pusher = new ImagePusher(client);
        var content = new LayoutImageContent(store.Layout, manifest);
        foreach (var name in names)
        {
            var view = ProgressView.Create(progressMode, error);
            Descriptor pushed = null!;
            await view.RunAsync(async progress => pushed = await pusher.PushAsync(content, name, progress, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            error.WriteLine($"pushed {name} ({pushed.Digest})");
        }
    }

    private static async Task<BuildResult> WithProgressAsync(string mode, TextWriter error, Func<IBuildProgress, Task<BuildResult>> build)
    {
        var tty = mode == "tty" || (mode == "auto" && !Console.IsErrorRedirected);
        if (!tty)
        {
            return await build(new PlainBuildProgress(error)).ConfigureAwait(false);
        }

        var view = new TerminalBuildProgress(error);
        return await view.RunAsync(() => build(view)).ConfigureAwait(false);
    }

    private static Reference ParseTag(string tag) =>
        Reference.TryParse(tag, out var reference, out var problem)
            ? reference.Tag is null && reference.Digest is null ? reference.WithTag(Reference.DefaultTag) : reference
            : throw new FormatException($"invalid tag '{tag}': {problem}");

    /// <summary>
    /// <c>--secret id=ID,src=FILE</c> or <c>id=ID,env=VARIABLE</c> (<c>source</c> for <c>src</c>; <c>type=file|env</c>
    /// accepted). As docker buildx does, with neither the ID names an environment variable, else a file.
    /// </summary>
    private static Dictionary<string, byte[]> ParseSecrets(IReadOnlyList<string> values)
    {
        var secrets = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            string? id = null, file = null, variable = null, type = null;
            foreach (var field in value.Split(','))
            {
                var equals = field.IndexOf('=', StringComparison.Ordinal);
                var (key, text) = equals < 0 ? (field, string.Empty) : (field[..equals].Trim().ToLowerInvariant(), field[(equals + 1)..]);
                switch (key)
                {
                    case "id": id = text; break;
                    case "src" or "source": file = text; break;
                    case "env": variable = text; break;
                    case "type": type = text; break;
                    default: throw new FormatException($"invalid --secret '{value}': unknown field '{key}'; expected id=ID,src=FILE or id=ID,env=VARIABLE");
                }
            }

            if (string.IsNullOrEmpty(id))
            {
                throw new FormatException($"invalid --secret '{value}': id=ID is missing");
            }

            if (type == "env" && file is not null)
            {
                variable ??= file;
                file = null;
            }

            if (file is null && variable is null)
            {
                if (Environment.GetEnvironmentVariable(id) is null)
                {
                    file = id;
                }
                else
                {
                    variable = id;
                }
            }

            secrets[id] = file is not null
                ? File.ReadAllBytes(file)
                : System.Text.Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable(variable!)
                    ?? throw new FormatException($"invalid --secret '{value}': environment variable {variable} is not set"));
        }

        return secrets;
    }

    /// <summary>
    /// <c>--ssh ID=SOCKET</c>, or <c>--ssh ID</c> for <c>$SSH_AUTH_SOCK</c> (<c>--ssh default</c>), as docker buildx
    /// reads it. Only agent sockets: BuildKit also takes key files, and several paths per ID, for an agent of
    /// its own, which hyperbuild does not run; and as BuildKit, one socket per ID.
    /// </summary>
    private static Dictionary<string, string> ParseSshAgents(IReadOnlyList<string> values)
    {
        var agents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            var id = equals < 0 ? value : value[..equals];
            if (string.IsNullOrEmpty(id))
            {
                throw new FormatException($"invalid --ssh '{value}': expected ID=SOCKET, or ID (e.g. default) for $SSH_AUTH_SOCK");
            }

            if (agents.ContainsKey(id))
            {
                throw new FormatException($"invalid --ssh '{value}': ID {id} is given twice");
            }

            var paths = equals < 0 ? [] : value[(equals + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (paths.Length > 1)
            {
                throw new FormatException($"invalid --ssh '{value}': one ssh-agent socket per ID; key files are not supported");
            }

            var path = paths.Length == 1 ? paths[0] : Environment.GetEnvironmentVariable("SSH_AUTH_SOCK");
            if (string.IsNullOrEmpty(path))
            {
                throw new FormatException($"invalid --ssh '{value}': SSH_AUTH_SOCK is not set: start an ssh-agent, or give {id}=SOCKET");
            }

            try
            {
                agents[id] = SshAgentSocket.Check(path);
            }
            catch (IOException e)
            {
                throw new FormatException($"invalid --ssh '{value}': {e.Message}", e);
            }
        }

        return agents;
    }

    private static Dictionary<string, NamedContext> ParseBuildContexts(IReadOnlyList<string> values)
    {
        var contexts = new Dictionary<string, NamedContext>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"invalid --build-context '{value}': expected NAME=VALUE");
            }

            contexts[value[..equals]] = NamedContext.Parse(value[(equals + 1)..]);
        }

        return contexts;
    }
}
