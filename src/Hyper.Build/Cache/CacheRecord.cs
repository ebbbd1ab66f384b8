using System.Text.Json.Serialization;

using Hyper.Oci;

namespace Hyper.Build.Cache;

/// <summary>
/// What a step produced, kept under the step's cache key: the layer it made (or none, for a step that
/// changed no files) and its history line, with the time it ran, so a build that reuses it writes the
/// same history and so the same image digest.
/// </summary>
public sealed record CacheRecord
{
    /// <summary>The step's cache key.</summary>
    [JsonPropertyName("key")]
    public required Digest Key { get; init; }

    /// <summary>The layer blob (in the image store), or null when the step made no layer.</summary>
    [JsonPropertyName("layer")]
    public Descriptor? Layer { get; init; }

    /// <summary>The uncompressed digest of <see cref="Layer"/>.</summary>
    [JsonPropertyName("diffID")]
    public Digest? DiffId { get; init; }

    /// <summary>The history entry's created_by.</summary>
    [JsonPropertyName("createdBy")]
    public required string CreatedBy { get; init; }

    /// <summary>True when a layer comes with its DiffID and no DiffID without a layer: a record read from elsewhere may not.</summary>
    [JsonIgnore]
    public bool IsConsistent => (Layer is null) == (DiffId is null) && (Layer is null || MediaTypes.LayerCompressionOf(Layer.MediaType) is not null);

    /// <summary>
    /// The history entry's time: when the step ran, or for a step that made no layer the time of the entry
    /// before it; null when it had none (it then takes the next entry's at export).
    /// </summary>
    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }
}
