using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyper.Oci;

/// <summary>
/// A single-image manifest: OCI image manifest or Docker schema 2 (same shape). To keep the exact bytes
/// a manifest arrived as, hold it in a <see cref="Manifest"/>; this type is its parsed view.
/// </summary>
public sealed record ImageManifest
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; } = MediaTypes.OciManifest;

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("config")]
    public required Descriptor Config { get; init; }

    [JsonPropertyName("layers")]
    public required IReadOnlyList<Descriptor> Layers { get; init; }

    [JsonPropertyName("subject")]
    public Descriptor? Subject { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownFields { get; set; }

    internal void Validate()
    {
        if (SchemaVersion != 2)
        {
            throw new InvalidOciDocumentException($"manifest schemaVersion is {SchemaVersion}, expected 2");
        }

        if (Config is null)
        {
            throw new InvalidOciDocumentException("manifest has no config descriptor");
        }

        if (Layers is null)
        {
            throw new InvalidOciDocumentException("manifest has no layers array");
        }

        Config.Validate("manifest config");
        for (var i = 0; i < Layers.Count; i++)
        {
            (Layers[i] ?? throw new InvalidOciDocumentException($"manifest layer {i} is null")).Validate($"manifest layer {i}");
        }

        Subject?.Validate("manifest subject");
    }
}
