using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyper.Oci;

/// <summary>A reference to content: its media type, digest and size (image-spec descriptor.md).</summary>
public sealed record Descriptor
{
    [JsonPropertyName("mediaType")]
    public required string MediaType { get; init; }

    [JsonPropertyName("digest")]
    public required Digest Digest { get; init; }

    [JsonPropertyName("size")]
    public required long Size { get; init; }

    [JsonPropertyName("urls")]
    public IReadOnlyList<string>? Urls { get; init; }

    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>The content itself, embedded; when present its digest and size must match.</summary>
    [JsonPropertyName("data")]
    public byte[]? Data { get; init; }

    [JsonPropertyName("platform")]
    public Platform? Platform { get; init; }

    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>Fields this version does not know, kept so that they survive a rewrite.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownFields { get; set; }

    /// <summary>The descriptor of <paramref name="content"/> with <paramref name="mediaType"/>.</summary>
    public static Descriptor For(ReadOnlySpan<byte> content, string mediaType) => new()
    {
        MediaType = mediaType,
        Digest = Digest.Compute(content),
        Size = content.Length,
    };

    /// <summary>The descriptor of the empty JSON object <c>{}</c> used by artifacts without config.</summary>
    public static Descriptor EmptyJson { get; } = For("{}"u8, MediaTypes.OciEmptyJson) with { Data = "{}"u8.ToArray() };

    /// <summary>The tag this descriptor carries in an OCI layout index, if any.</summary>
    [JsonIgnore]
    public string? RefName => Annotations?.GetValueOrDefault(AnnotationKeys.RefName);

    /// <summary>Checks the rules a parser must enforce beyond the JSON shape.</summary>
    internal void Validate(string where)
    {
        if (Size < 0)
        {
            throw new InvalidOciDocumentException($"{where}: size {Size} is negative");
        }

        if (string.IsNullOrEmpty(MediaType))
        {
            throw new InvalidOciDocumentException($"{where}: mediaType is empty");
        }

        if (Data is { } data && (data.Length != Size || Digest.Compute(data, Digest.Algorithm) != Digest))
        {
            throw new InvalidOciDocumentException($"{where}: embedded data does not match digest {Digest} and size {Size}");
        }
    }
}
