using Hyper.Distribution;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

/// <summary>
/// A <c>--cache-to</c> or <c>--cache-from</c> value as docker buildx writes it: <c>type=registry,ref=REF</c>,
/// <c>type=local,dest=DIR</c> (to) or <c>type=local,src=DIR</c> (from), with <c>mode=min|max</c> and, for local,
/// <c>tag=</c>; a bare <c>REF</c> means a registry.
/// </summary>
/// <param name="Location">Where the cache artifact is: a registry reference, or an OCI layout and its tag; null for <c>type=inline</c>.</param>
/// <param name="AllStages">mode=max: the layers of every stage built, not only those of the image.</param>
internal sealed record CacheOption(ImageLocation? Location, bool AllStages)
{
    /// <summary><c>ignore-error=true</c>: a cache that cannot be written is a warning, not a failed build.</summary>
    public bool IgnoreError { get; init; }

    /// <summary><c>type=inline</c> (<c>--cache-to</c> only): the records go into the image's manifest, its layers are the cache.</summary>
    public bool Inline => Location is null;

    /// <summary>The tag a local cache layout uses unless <c>tag=</c> says otherwise, as BuildKit's.</summary>
    private const string DefaultLocalTag = "latest";

    /// <exception cref="FormatException">Not a cache option hyperbuild understands.</exception>
    public static CacheOption Parse(string value, bool export)
    {
        ArgumentNullException.ThrowIfNull(value);
        var option = export ? "--cache-to" : "--cache-from";
        if (!value.Contains('=', StringComparison.Ordinal))
        {
            return new CacheOption(ImageLocation.ForRegistry(ParseReference(option, value, value)), AllStages: false);
        }

        string? type = null, reference = null, directory = null, tag = null, mode = null, ignoreError = null;
        foreach (var field in value.Split(','))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            var (key, text) = equals < 0 ? (field.Trim(), string.Empty) : (field[..equals].Trim().ToLowerInvariant(), field[(equals + 1)..].Trim());
            switch (key)
            {
                case "type": type = text; break;
                case "ref": reference = text; break;
                case "dest" when export: directory = text; break;
                case "src" when !export: directory = text; break;
                case "tag": tag = text; break;
                case "mode": mode = text; break;

                case "ignore-error": ignoreError = text; break;

                // buildx options about how the cache is written that change nothing here.
                case "compression" or "compression-level" or "force-compression" or "oci-mediatypes" or "image-manifest": break;
                default: throw new FormatException($"invalid {option} '{value}': unknown field '{key}'");
            }
        }

        if (mode is not (null or "min" or "max"))
        {
            throw new FormatException($"invalid {option} '{value}': mode must be min or max");
        }

        if (ignoreError is not (null or "true" or "false"))
        {
            throw new FormatException($"invalid {option} '{value}': ignore-error must be true or false");
        }

        var all = mode == "max";
        var parsed = type switch
        {
            "inline" when export && !all => new CacheOption(null, AllStages: false),
            "inline" when export => throw new FormatException($"invalid {option} '{value}': type=inline holds only the image's own layers (mode=min)"),
            "registry" when !string.IsNullOrEmpty(reference) => new CacheOption(ImageLocation.ForRegistry(ParseReference(option, value, reference)), all),
            "registry" => throw new FormatException($"invalid {option} '{value}': type=registry needs ref=REFERENCE"),
            "local" when !string.IsNullOrEmpty(directory) => new CacheOption(ImageLocation.ForFile(ImageTransport.OciLayout, directory, tag ?? DefaultLocalTag), all),
            "local" => throw new FormatException($"invalid {option} '{value}': type=local needs {(export ? "dest" : "src")}=DIRECTORY"),
            _ => throw new FormatException($"invalid {option} '{value}': cache type '{type}' is not supported; use type=registry, type=local{(export ? " or type=inline" : string.Empty)}"),
        };
        return parsed with { IgnoreError = ignoreError == "true" };
    }

    private static Reference ParseReference(string option, string value, string reference)
    {
        if (!Reference.TryParse(reference, out var parsed))
        {
            throw new FormatException($"invalid {option} '{value}': '{reference}' is not an image reference");
        }

        return parsed.Tag is null && parsed.Digest is null ? parsed.WithTag(Reference.DefaultTag) : parsed;
    }
}
