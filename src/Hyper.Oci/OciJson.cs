using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Hyper.Oci;

/// <summary>The JSON settings every OCI document is read and written with.</summary>
public static class OciJson
{
    /// <summary>
    /// Compact output, null members left out, and only the characters JSON requires escaped: the
    /// default encoder would write <c>+</c> in media types as <c>\u002B</c>, which other tools
    /// would hash and compare differently.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        PropertyNameCaseInsensitive = false,
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = OciJsonContext.Default,
    };

    /// <summary>Serializes <paramref name="value"/> to UTF-8 bytes with <see cref="Options"/>.</summary>
    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, TypeInfo<T>());

    /// <summary>Deserializes <paramref name="json"/>; throws <see cref="InvalidOciDocumentException"/> on bad input.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, TypeInfo<T>())
                ?? throw new InvalidOciDocumentException($"{what} is JSON null, expected an object");
        }
        catch (JsonException e)
        {
            throw new InvalidOciDocumentException($"{what} is not valid: {e.Message}", e);
        }
    }

    /// <summary>The generated contract of <typeparamref name="T"/>; only types listed in <see cref="OciJsonContext"/> have one.</summary>
    private static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}
