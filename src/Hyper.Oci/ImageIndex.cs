using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyper.Oci;

/// <summary>A list of manifests, usually one per platform: OCI image index or Docker manifest list.</summary>
public sealed record ImageIndex
{
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; } = MediaTypes.OciIndex;

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    [JsonPropertyName("manifests")]
    public required IReadOnlyList<Descriptor> Manifests { get; init; }

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
            throw new InvalidOciDocumentException($"index schemaVersion is {SchemaVersion}, expected 2");
        }

        if (Manifests is null)
        {
            throw new InvalidOciDocumentException("index has no manifests array");
        }

        for (var i = 0; i < Manifests.Count; i++)
        {
            (Manifests[i] ?? throw new InvalidOciDocumentException($"index entry {i} is null")).Validate($"index entry {i}");
        }

        Subject?.Validate("index subject");
    }
}
