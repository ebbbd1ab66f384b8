using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyper.Oci;

/// <summary>
/// Times as Go's RFC 3339 with nanoseconds writes them, which is what docker and BuildKit emit:
/// UTC with a <c>Z</c>, fraction only when non-zero and without trailing zeros.
/// </summary>
public sealed class Rfc3339JsonConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => false;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"a time must be an RFC 3339 string, found {reader.TokenType}");
        }

        var text = reader.GetString()!;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value)
            ? value
            : throw new JsonException($"'{text}' is not an RFC 3339 time");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value!.Value));

    /// <summary>Formats <paramref name="value"/> the way Go's time.RFC3339Nano does in UTC.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
