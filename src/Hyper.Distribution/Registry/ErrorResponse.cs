using System.Text.Json.Serialization;

namespace Hyper.Distribution.Registry;

/// <summary>The spec's error body, <c>{"errors":[{"code","message","detail"}]}</c>, as a client reads it.</summary>
internal sealed record ErrorResponse([property: JsonPropertyName("errors")] IReadOnlyList<ErrorResponseEntry>? Errors);
