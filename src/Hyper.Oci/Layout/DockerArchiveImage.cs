using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyper.Oci.Layout;

/// <summary>One image as the <c>manifest.json</c> of a <c>docker save</c> archive lists it; paths are inside the archive.</summary>
public sealed record DockerArchiveImage
{
    /// <summary>The config file, e.g. <c>&lt;hex&gt;.json</c> or <c>blobs/sha256/&lt;hex&gt;</c>.</summary>
    [JsonPropertyName("Config")]
    public required string Config { get; init; }

    /// <summary>The names it is tagged with, <c>repository:tag</c>; docker writes null for an untagged image.</summary>
    [JsonPropertyName("RepoTags")]
    public IReadOnlyList<string>? RepoTags { get; init; }

    /// <summary>The layer files, bottom first, e.g. <c>&lt;id&gt;/layer.tar</c> or <c>blobs/sha256/&lt;hex&gt;</c>.</summary>
    [JsonPropertyName("Layers")]
    public required IReadOnlyList<string> Layers { get; init; }

    /// <summary>Descriptors of foreign layers, by diff ID, for layers not in the archive.</summary>
    [JsonPropertyName("LayerSources")]
    public IReadOnlyDictionary<string, Descriptor>? LayerSources { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownFields { get; set; }
}
