using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyper.Oci;

/// <summary>
/// The image configuration (image-spec config.md), with the Docker extensions docker and BuildKit
/// write (Healthcheck, OnBuild, Shell) in <see cref="ContainerConfig"/>.
/// </summary>
public sealed record ImageConfig
{
    [JsonPropertyName("created")]
    [JsonConverter(typeof(Rfc3339JsonConverter))]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("author")]
    public string? Author { get; init; }

    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    [JsonPropertyName("os")]
    public required string OS { get; init; }

    [JsonPropertyName("os.version")]
    public string? OSVersion { get; init; }

    [JsonPropertyName("os.features")]
    public IReadOnlyList<string>? OSFeatures { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("config")]
    public ContainerConfig? Config { get; init; }

    [JsonPropertyName("rootfs")]
    public required RootFs RootFs { get; init; }

    [JsonPropertyName("history")]
    public IReadOnlyList<HistoryEntry>? History { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnknownFields { get; set; }

    /// <summary>The platform this config describes.</summary>
    [JsonIgnore]
    public Platform Platform => new()
    {
        Architecture = Architecture,
        OS = OS,
        OSVersion = OSVersion,
        OSFeatures = OSFeatures,
        Variant = Variant,
    };

    /// <summary>Parses a config blob; throws <see cref="InvalidOciDocumentException"/> when it is not one.</summary>
    public static ImageConfig Parse(ReadOnlySpan<byte> json)
    {
        var config = OciJson.Deserialize<ImageConfig>(json, "image config");
        if (config.RootFs is null || config.RootFs.DiffIds is null)
        {
            throw new InvalidOciDocumentException("image config has no rootfs.diff_ids");
        }

        return config;
    }

    /// <summary>The serialized form, the bytes whose digest names this config.</summary>
    public byte[] ToJson() => OciJson.Serialize(this);
}
