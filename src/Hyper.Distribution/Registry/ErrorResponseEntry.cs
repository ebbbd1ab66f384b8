using System.Text.Json.Serialization;

namespace Hyper.Distribution.Registry;

/// <summary>One entry of an <see cref="ErrorResponse"/>; <c>detail</c> is free-form and not read.</summary>
internal sealed record ErrorResponseEntry(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message);
