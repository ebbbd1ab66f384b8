namespace Hyper.Distribution.Registry;

/// <summary>A user name and password (or token) for one registry, sent as HTTP Basic or to a token server.</summary>
public sealed record RegistryCredential(string Username, string Password)
{
    /// <summary>Keeps the password out of logs and exception messages.</summary>
    public override string ToString() => $"{Username}:***";
}
