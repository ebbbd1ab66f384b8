using System.Collections;

using Hyper.Oci;

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hyper.Registry.Configuration;

/// <summary>
/// Reads <see cref="RegistryOptions"/> from a YAML file, then applies <c>REGISTRY_*</c> environment
/// variables over it the way Distribution does: <c>REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY</c> sets
/// <c>storage.filesystem.rootdirectory</c>. Both end up as one flat list of dotted keys, bound through
/// one table: a new setting is one line there, and no reflection is needed (Native AOT).
/// </summary>
public static class RegistryConfiguration
{
    public const string EnvironmentPrefix = "REGISTRY_";

    /// <summary>
    /// Every setting, by its path in the file, with the check of its value: a bad value throws a
    /// <see cref="FormatException"/> saying what is wrong with it, and <see cref="Load"/> names the key.
    /// Keys not listed (Distribution's notifications, health, middleware, …) are ignored rather than refused,
    /// so an existing config.yml loads as it is, unless ignoring them would change what is served
    /// (<see cref="UnsupportedReason"/>).
    /// </summary>
    private static readonly Dictionary<string, Action<RegistryOptions, string>> Settings = new(StringComparer.Ordinal)
    {
        ["version"] = (o, v) => o.Version = v == "0.1" ? v : throw new FormatException($"'{v}' is not supported: the only configuration version is 0.1"),
        ["log.level"] = (o, v) => o.Log.Level = v is "error" or "warn" or "info" or "debug" ? v : throw new FormatException($"'{v}' is not one of error, warn, info, debug"),
        ["log.formatter"] = (o, v) => o.Log.Formatter = v is "text" or "json" ? v : throw new FormatException($"'{v}' is not text or json"),
        ["http.addr"] = (o, v) =>
        {
            _ = ListenAddress.Parse(v);
            o.Http.Addr = v;
        },
        ["http.host"] = (o, v) => o.Http.Host = v.Length == 0 || IsHttpUrl(v) ? v : throw new FormatException($"'{v}' is not an absolute http or https URL, e.g. https://registry.example.com"),
        ["http.net"] = (_, v) => Require(v is "" or "tcp", $"'{v}' is not supported: hyperregistry listens on TCP only (http.addr)"),
        ["http.prefix"] = (_, v) => Require(v is "" or "/", $"'{v}' is not supported: hyperregistry serves the API at /v2/; map a prefix in a proxy in front of it"),
        ["http.timeout.read"] = (o, v) => o.Http.Timeout.Read = Timeout(v),
        ["http.timeout.write"] = (o, v) => o.Http.Timeout.Write = Timeout(v),
        ["http.timeout.idle"] = (o, v) => o.Http.Timeout.Idle = Timeout(v),
        ["http.mindatarate"] = (o, v) => o.Http.MinDataRate = ParseCount(v, "bytes per second"),
        ["http.maxconnections"] = (o, v) => o.Http.MaxConnections = ParseCount(v, "connections"),
        ["storage.filesystem.rootdirectory"] = (o, v) => o.Storage.Filesystem.RootDirectory = v.Length > 0 ? v : throw new FormatException("'' is empty: name the directory for blobs, uploads and the database"),
        ["storage.delete.enabled"] = (o, v) => o.Storage.Delete.Enabled = ParseBool(v),
        ["storage.maintenance.uploadpurging.enabled"] = (o, v) => o.Storage.Maintenance.UploadPurging.Enabled = ParseBool(v),
        ["storage.maintenance.uploadpurging.age"] = (o, v) => o.Storage.Maintenance.UploadPurging.Age = PositiveDuration(v),
        ["storage.maintenance.uploadpurging.interval"] = (o, v) => o.Storage.Maintenance.UploadPurging.Interval = PositiveDuration(v),
        ["storage.maintenance.uploadpurging.dryrun"] = (_, v) => Require(!ParseBool(v), $"'{v}' is not supported: hyperregistry has no dry run of upload purging; set uploadpurging.enabled: false instead"),
        ["storage.maintenance.readonly.enabled"] = (_, v) => Require(!ParseBool(v), $"'{v}' is not supported: hyperregistry has no read-only mode"),
        ["database.url"] = (o, v) => o.Database.Url = IsSqliteUrl(v) ? v : throw new FormatException(
            $"'{v}' is not supported: only the embedded SQLite database is implemented; leave database.url empty (a database under the storage root) or use sqlite:<file>"),
        ["redis.url"] = (o, v) => o.Redis.Url = v.Length == 0 || (Uri.TryCreate(v, UriKind.Absolute, out var uri) && uri.Scheme is "redis" or "rediss")
            ? v
            : throw new FormatException($"'{v}' is not a redis:// or rediss:// URL"),
        ["validation.manifests.maxsize"] = (o, v) => o.Validation.Manifests.MaxSize = long.TryParse(v, out var size) && size > 0
            ? size
            : throw new FormatException($"'{v}' is not a positive number of bytes"),
    };

    /// <summary>Sections under <c>storage</c> that are not storage drivers; any other is a driver.</summary>
    private static readonly HashSet<string> StorageSections = new(StringComparer.Ordinal) { "filesystem", "delete", "maintenance", "cache", "redirect", "tag" };

    /// <summary>Loads the file at <paramref name="path"/> (none: defaults) with <paramref name="environment"/> on top.</summary>
    /// <exception cref="InvalidConfigurationException">The file cannot be read, or a setting is bad or unsupported.</exception>
    public static RegistryOptions Load(string? path, IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);

        // Each value with where it came from (the file, or the variable), for the message when it is bad.
        var values = new Dictionary<string, (string Value, string Origin)>(StringComparer.Ordinal);
        if (path is not null)
        {
            var file = new Dictionary<string, string>(StringComparer.Ordinal);
            Flatten(ReadFile(path), prefix: string.Empty, file);
            foreach (var (key, value) in file)
            {
                values[key] = (value, path);
            }
        }

        foreach (DictionaryEntry variable in environment)
        {
            if (variable.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) && variable.Value is string value)
            {
                values[name[EnvironmentPrefix.Length..].ToLowerInvariant().Replace('_', '.')] = (value, name);
            }
        }

        var options = new RegistryOptions();
        foreach (var (key, (value, origin)) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (UnsupportedReason(key) is { } reason)
            {
                throw new InvalidConfigurationException($"{origin}: {key}: '{value}' {reason}");
            }

            if (Settings.TryGetValue(key, out var apply))
            {
                try
                {
                    apply(options, value);
                }
                catch (FormatException e)
                {
                    throw new InvalidConfigurationException($"{origin}: {key}: {e.Message}", e);
                }
            }
        }

        return options;
    }

    /// <summary>
    /// Why a Distribution setting hyperregistry does not implement cannot just be ignored: without it the
    /// registry would serve something else than the file asks for (open instead of authenticated, plain
    /// HTTP instead of TLS, local files instead of S3). Null for every other key.
    /// </summary>
    private static string? UnsupportedReason(string key)
    {
        var section = key.Split('.');
        return section switch
        {
            ["auth", _, ..] => "is not supported: hyperregistry has no authentication of its own; put it behind a proxy that authenticates, and remove the auth section",
            ["http", "tls", _, ..] => "is not supported: hyperregistry serves plain HTTP; terminate TLS in a proxy in front of it, and remove http.tls",
            ["proxy", _, ..] => "is not supported: hyperregistry is not a pull-through cache; remove the proxy section",
            ["storage", var driver, ..] when !StorageSections.Contains(driver) =>
                $"is not supported: hyperregistry stores blobs on the local filesystem only (storage.filesystem.rootdirectory); remove storage.{driver}",
            _ => null,
        };
    }

    private static YamlMappingNode ReadFile(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = File.OpenText(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new InvalidConfigurationException($"{path}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidConfigurationException($"{path}: cannot read the configuration: {e.Message}", e);
        }

        if (stream.Documents.Count == 0)
        {
            return new YamlMappingNode();
        }

        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new InvalidConfigurationException($"{path}: the configuration must be a YAML mapping (key: value)");
    }

    /// <summary>Turns nested mappings into <c>a.b.c</c> → scalar; sequences (lists) are not settings here.</summary>
    private static void Flatten(YamlMappingNode node, string prefix, Dictionary<string, string> values)
    {
        foreach (var (keyNode, valueNode) in node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                continue;
            }

            var path = prefix + key.ToLowerInvariant();
            switch (valueNode)
            {
                case YamlMappingNode child:
                    Flatten(child, path + ".", values);
                    break;
                case YamlScalarNode scalar:
                    values[path] = scalar.Value ?? string.Empty;
                    break;
            }
        }
    }

    /// <summary>A whole number, 0 or more.</summary>
    private static long ParseCount(string value, string unit) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            ? count
            : throw new FormatException($"'{value}' is not a number of {unit} (0 or more)");

    /// <summary>A timeout: checked here so that a bad one is refused at load, not when the server starts.</summary>
    private static string Timeout(string value)
    {
        _ = HttpLimits.TimeoutOf(value);
        return value;
    }

    /// <summary>Booleans as Go's strconv.ParseBool reads them, since Distribution's files were written for it.</summary>
    private static bool ParseBool(string value) => value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw new FormatException($"'{value}' is not true or false"),
    };

    /// <summary>For settings accepted only with the value that means what hyperregistry does anyway.</summary>
    private static void Require(bool accepted, string reason)
    {
        if (!accepted)
        {
            throw new FormatException(reason);
        }
    }

    private static string PositiveDuration(string value) =>
        GoDuration.Parse(value) > TimeSpan.Zero ? value : throw new FormatException($"'{value}' is not a positive duration, e.g. 24h or 90m");

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static bool IsSqliteUrl(string value) =>
        value.Length == 0 || (value.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) && value.Length > "sqlite:".Length);
}
