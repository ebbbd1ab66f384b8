namespace Hyper.Build.Files;

/// <summary>Who a process runs as, or who owns copied files.</summary>
/// <param name="Uid">The user id.</param>
/// <param name="Gid">The primary group id.</param>
/// <param name="AdditionalGids">Supplementary groups (for RUN; empty for file owners).</param>
public sealed record UserIdentity(uint Uid, uint Gid, IReadOnlyList<uint> AdditionalGids)
{
    /// <summary>The home directory from the user's passwd entry, "/" when there is none.</summary>
    public string Home { get; init; } = "/";
}
