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

    /// <summary>When the step ran.</summary>
    [JsonPropertyName("created")]
    public required DateTimeOffset Created { get; init; }
}
