using System.Text.Json.Serialization;

namespace Hyper.Distribution.Registry.Auth;

/// <summary>
/// A token server's answer (docker token authentication spec): <c>token</c>, or <c>access_token</c>
/// as OAuth2 names it; both mean the same. <c>refresh_token</c> comes when offline access was asked for.
/// </summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken = null);
