namespace Hyper.Distribution.Registry;

/// <summary>
/// A user name and password for one registry, sent as HTTP Basic or to a token server; or an identity
/// token (docker config's <c>identitytoken</c>), an OAuth2 refresh token traded for access tokens instead.
/// </summary>
public sealed record RegistryCredential(string Username, string Password)
{
    /// <summary>The user name credential helpers answer when their secret is an identity token.</summary>
    public const string IdentityTokenUsername = "<token>";

    /// <summary>An OAuth2 refresh token for the registry's token server; when set, the password is not used.</summary>
    public string? IdentityToken { get; init; }

    /// <summary>A credential that is an identity token, with the user name it was issued to when known.</summary>
    public static RegistryCredential FromIdentityToken(string identityToken, string? username = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(identityToken);
        return new(string.IsNullOrEmpty(username) ? IdentityTokenUsername : username, string.Empty) { IdentityToken = identityToken };
    }

    /// <summary>Keeps the password and token out of logs and exception messages.</summary>
    public override string ToString() => IdentityToken is null ? $"{Username}:***" : $"{Username} (identity token)";
}
