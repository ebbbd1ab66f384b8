using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyper.Distribution.Registry.Credentials;

/// <summary>One registry's entry in an <see cref="AuthFile"/>: <c>auth</c> is base64 of <c>user:password</c>.</summary>
internal sealed class AuthFileEntry
{
    [JsonPropertyName("auth")]
    public string? Auth { get; set; }

    [JsonPropertyName("identitytoken")]
    public string? IdentityToken { get; set; }

    // Older docker versions and hand-written files spell the credential out.
    [JsonPropertyName("username")]
    public string? Username { get; set; }

    [JsonPropertyName("password")]
    public string? Password { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
