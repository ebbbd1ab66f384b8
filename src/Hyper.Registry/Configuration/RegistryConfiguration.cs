using System.Collections;

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
    /// Every setting, by its path in the file. Keys not listed (Distribution's notifications, health,
    /// middleware, …) are ignored rather than refused, so an existing config.yml loads as it is.
    /// </summary>
    private static readonly Dictionary<string, Action<RegistryOptions, string, string>> Settings = new(StringComparer.Ordinal)
    {
        ["version"] = (o, v, _) => o.Version = v,
        ["log.level"] = (o, v, _) => o.Log.Level = v,
        ["log.formatter"] = (o, v, _) => o.Log.Formatter = v,
        ["http.addr"] = (o, v, _) => o.Http.Addr = v,
        ["http.host"] = (o, v, _) => o.Http.Host = v,
        ["http.timeout.read"] = (o, v, _) => o.Http.Timeout.Read = v,
        ["http.timeout.write"] = (o, v, _) => o.Http.Timeout.Write = v,
        ["http.timeout.idle"] = (o, v, _) => o.Http.Timeout.Idle = v,
        ["http.mindatarate"] = (o, v, key) => o.Http.MinDataRate = ParseCount(v, key, "bytes per second"),
        ["http.maxconnections"] = (o, v, key) => o.Http.MaxConnections = ParseCount(v, key, "connections"),
        ["storage.filesystem.rootdirectory"] = (o, v, _) => o.Storage.Filesystem.RootDirectory = v,
        ["storage.delete.enabled"] = (o, v, key) => o.Storage.Delete.Enabled = ParseBool(v, key),
        ["storage.maintenance.uploadpurging.enabled"] = (o, v, key) => o.Storage.Maintenance.UploadPurging.Enabled = ParseBool(v, key),
        ["storage.maintenance.uploadpurging.age"] = (o, v, _) => o.Storage.Maintenance.UploadPurging.Age = v,
        ["storage.maintenance.uploadpurging.interval"] = (o, v, _) => o.Storage.Maintenance.UploadPurging.Interval = v,
        ["database.url"] = (o, v, _) => o.Database.Url = v,
        ["redis.url"] = (o, v, _) => o.Redis.Url = v,
        ["validation.manifests.maxsize"] = (o, v, key) => o.Validation.Manifests.MaxSize = long.TryParse(v, out var size)
            ? size
            : throw new FormatException($"{key}: '{v}' is not a number of bytes"),
    };

    /// <summary>Loads the file at <paramref name="path"/> (none: defaults) with <paramref name="environment"/> on top.</summary>
    public static RegistryOptions Load(string? path, IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path is not null)
        {
            Flatten(ReadFile(path), prefix: string.Empty, values);
        }

        foreach (DictionaryEntry variable in environment)
        {
            if (variable.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) && variable.Value is string value)
            {
                values[name[EnvironmentPrefix.Length..].ToLowerInvariant().Replace('_', '.')] = value;
            }
        }

        var source = path ?? "environment";
        var options = new RegistryOptions();
        foreach (var (key, value) in values)
        {
            if (Settings.TryGetValue(key, out var apply))
            {
                try
                {
                    apply(options, value, key);
                }
                catch (FormatException e)
                {
                    throw new InvalidOperationException($"{source}: {e.Message}", e);
                }
            }
        }

        Validate(options, source);
        return options;
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
            throw new InvalidOperationException($"{path}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {e.Message}", e);
        }

        if (stream.Documents.Count == 0)
        {
            return new YamlMappingNode();
        }

        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw new InvalidOperationException($"{path}: the configuration must be a YAML mapping (key: value)");
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
    private static long ParseCount(string value, string key, string unit) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count)
            ? count
            : throw new FormatException($"{key}: '{value}' is not a number of {unit} (0 or more)");

    /// <summary>Booleans as Go's strconv.ParseBool reads them, since Distribution's files were written for it.</summary>
    private static bool ParseBool(string value, string key) => value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw new FormatException($"{key}: '{value}' is not true or false"),
    };

    private static void Validate(RegistryOptions options, string source)
    {
        try
        {
            _ = ListenAddress.Parse(options.Http.Addr);
            _ = GoDuration.Parse(options.Storage.Maintenance.UploadPurging.Age);
            _ = GoDuration.Parse(options.Storage.Maintenance.UploadPurging.Interval);
            _ = HttpLimits.TimeoutOf(options.Http.Timeout.Read, "http.timeout.read");
            _ = HttpLimits.TimeoutOf(options.Http.Timeout.Write, "http.timeout.write");
            _ = HttpLimits.TimeoutOf(options.Http.Timeout.Idle, "http.timeout.idle");
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{source}: {e.Message}", e);
        }

        if (options.Validation.Manifests.MaxSize <= 0)
        {
            throw new InvalidOperationException($"{source}: validation.manifests.maxsize must be positive");
        }

        if (options.Log.Level is not ("error" or "warn" or "info" or "debug"))
        {
            throw new InvalidOperationException($"{source}: log.level '{options.Log.Level}' is not one of error, warn, info, debug");
        }
    }
}
