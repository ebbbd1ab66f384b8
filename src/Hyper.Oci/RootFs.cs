using System.Text.Json.Serialization;

namespace Hyper.Oci;

/// <summary>The uncompressed digests of an image's layers, bottom first.</summary>
public sealed record RootFs
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "layers";

    [JsonPropertyName("diff_ids")]
    public required IReadOnlyList<Digest> DiffIds { get; init; }
}
