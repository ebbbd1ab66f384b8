using System.Collections;

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Hyper.Registry.Configuration;

/// <summary>
/// Reads <see cref="RegistryOptions"/> from a YAML file, then applies <c>REGISTRY_*</c> environment
/// variables over it the way Distribution does: <c>REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY</c> sets
/// <c>storage.filesystem.rootdirectory</c>. One mechanism covers every setting, present and future.
/// </summary>
public static class RegistryConfiguration
{
    public const string EnvironmentPrefix = "REGISTRY_";

    /// <summary>Loads the file at <paramref name="path"/> (none: defaults) with <paramref name="environment"/> on top.</summary>
    public static RegistryOptions Load(string? path, IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var root = new YamlMappingNode();
        if (path is not null)
        {
            root = ReadFile(path);
        }

        foreach (DictionaryEntry variable in environment)
        {
            if (variable.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) && variable.Value is string value)
            {
                Set(root, name[EnvironmentPrefix.Length..].ToLowerInvariant().Split('_'), value);
            }
        }

        return Bind(root, path ?? "environment");
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

    /// <summary>Sets <paramref name="path"/> in the tree, creating mappings on the way; keys match case-insensitively.</summary>
    private static void Set(YamlMappingNode node, string[] path, string value)
    {
        for (var i = 0; i < path.Length; i++)
        {
            var existing = node.Children.Keys.OfType<YamlScalarNode>()
                .FirstOrDefault(k => string.Equals(k.Value, path[i], StringComparison.OrdinalIgnoreCase));
            var key = existing ?? new YamlScalarNode(path[i]);
            if (i == path.Length - 1)
            {
                node.Children[key] = new YamlScalarNode(value);
                return;
            }

            if (existing is null || node.Children[key] is not YamlMappingNode child)
            {
                child = new YamlMappingNode();
                node.Children[key] = child;
            }

            node = child;
        }
    }

    private static RegistryOptions Bind(YamlMappingNode root, string source)
    {
        // Sections of Distribution's file that hyperregistry does not use (notifications, health, …)
        // are ignored rather than refused, so an existing config.yml loads as it is.
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(LowerCaseNamingConvention.Instance)
            .IgnoreUnmatchedProperties()
            .Build();
        try
        {
            var yaml = new SerializerBuilder().Build().Serialize(root);
            var options = deserializer.Deserialize<RegistryOptions?>(yaml) ?? new RegistryOptions();
            Validate(options, source);
            return options;
        }
        catch (YamlException e)
        {
            throw new InvalidOperationException($"{source}: {e.InnerException?.Message ?? e.Message} (at {e.Start})", e);
        }
    }

    private static void Validate(RegistryOptions options, string source)
    {
        _ = ListenAddress.Parse(options.Http.Addr);
        _ = GoDuration.Parse(options.Storage.Maintenance.UploadPurging.Age);
        _ = GoDuration.Parse(options.Storage.Maintenance.UploadPurging.Interval);
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
