using System.Text.Json.Serialization;

namespace Hyper.Oci;

/// <summary>One step of an image's history; steps that made no layer have <see cref="EmptyLayer"/> set.</summary>
public sealed record HistoryEntry
{
    [JsonPropertyName("created")]
    [JsonConverter(typeof(Rfc3339JsonConverter))]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("created_by")]
    public string? CreatedBy { get; init; }

    [JsonPropertyName("author")]
    public string? Author { get; init; }

    [JsonPropertyName("comment")]
    public string? Comment { get; init; }

    [JsonPropertyName("empty_layer")]
    public bool? EmptyLayer { get; init; }
}
