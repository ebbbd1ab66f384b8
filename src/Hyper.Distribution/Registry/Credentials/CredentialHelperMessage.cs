using System.Text.Json.Serialization;

namespace Hyper.Distribution.Registry.Credentials;

/// <summary>What docker credential helpers read on <c>store</c> and answer on <c>get</c>.</summary>
internal sealed record CredentialHelperMessage(
    [property: JsonPropertyName("ServerURL")] string? ServerUrl,
    [property: JsonPropertyName("Username")] string? Username,
    [property: JsonPropertyName("Secret")] string? Secret);
