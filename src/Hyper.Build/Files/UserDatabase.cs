using System.Globalization;

namespace Hyper.Build.Files;

/// <summary>
/// The users and groups of a root filesystem (its <c>/etc/passwd</c> and <c>/etc/group</c>, found
/// inside the root as a chrooted process would), and the two ways a build turns a user spec into ids:
/// <see cref="ResolveUser"/> for RUN's USER (runc's <c>GetExecUser</c>, as Docker and BuildKit use it)
/// and <see cref="ResolveOwner"/> for <c>--chown</c> (BuildKit's file operation rules).
/// </summary>
public sealed class UserDatabase
{
    private const string NoPasswdEntries = "no matching entries in passwd file";
    private const string NoGroupEntries = "no matching entries in group file";

    private readonly IReadOnlyList<PasswdEntry> users;
    private readonly IReadOnlyList<GroupEntry> groups;

    private UserDatabase(IReadOnlyList<PasswdEntry> users, IReadOnlyList<GroupEntry> groups)
    {
        this.users = users;
        this.groups = groups;
    }

    /// <summary>Reads the database of the root filesystem at <paramref name="rootDirectory"/>; missing files are empty.</summary>
    /// <exception cref="FileCopyException">A link on the way to the files points outside the root.</exception>
    public static UserDatabase FromRoot(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        return Parse(
            ReadIfPresent(RootPath.Resolve(rootDirectory, "/etc/passwd")),
            ReadIfPresent(RootPath.Resolve(rootDirectory, "/etc/group")));
    }

    /// <summary>A database from the text of a passwd and a group file.</summary>
    public static UserDatabase Parse(string passwd, string group)
    {
        ArgumentNullException.ThrowIfNull(passwd);
        ArgumentNullException.ThrowIfNull(group);
        var users = Lines(passwd)
            .Select(fields => new PasswdEntry(Field(fields, 0), Number(Field(fields, 2)), Number(Field(fields, 3)), Field(fields, 5)))
            .ToList();
        var groups = Lines(group)
            .Select(fields => new GroupEntry(
                Field(fields, 0),
                Number(Field(fields, 2)),
                Field(fields, 3).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            .ToList();
        return new UserDatabase(users, groups);
    }

    /// <summary>
    /// Resolves a USER value (<c>user</c>, <c>uid</c>, <c>user:group</c>, <c>uid:gid</c>, …) as runc does for
    /// a container's process: an unknown name is an error, an unknown number is used as it is; a
    /// numeric uid that has an entry takes that entry's gid; without a group, the supplementary
    /// groups are those of /etc/group that list the user. An empty user part means root.
    /// </summary>
    /// <exception cref="FileCopyException">A name that is not in the database, or a number out of range.</exception>
    public UserIdentity ResolveUser(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (userPart, groupPart) = Split(spec);
        var numericUid = TryNumber(userPart, out var uidArgument);
        var numericGid = TryNumber(groupPart, out var gidArgument);

        uint uid = 0;
        uint gid = 0;
        var home = "/";
        var matched = users.FirstOrDefault(u => userPart.Length == 0 ? u.Uid == 0 : numericUid ? u.Uid == uidArgument : u.Name == userPart);
        if (matched is not null)
        {
            (uid, gid, home) = (matched.Uid, matched.Gid, matched.Home);
        }
        else if (userPart.Length > 0)
        {
            uid = numericUid ? uidArgument : throw new FileCopyException($"unable to find user {userPart}: {NoPasswdEntries}");
        }

        IReadOnlyList<uint> additional = [];
        if (groupPart.Length > 0)
        {
            var group = groups.FirstOrDefault(g => numericGid ? g.Gid == gidArgument : g.Name == groupPart);
            gid = group?.Gid ?? (numericGid ? gidArgument : throw new FileCopyException($"unable to find group {groupPart}: {NoGroupEntries}"));
        }
        else if (matched is not null)
        {
            additional = [.. groups.Where(g => g.Members.Contains(matched.Name, StringComparer.Ordinal)).Select(g => g.Gid)];
        }

        return new UserIdentity(uid, gid, additional) { Home = home };
    }

    /// <summary>
    /// Resolves a <c>--chown</c> value as BuildKit does: a numeric user alone is also the group
    /// (<c>1000</c> is 1000:1000), a name alone takes the primary group of its passwd entry, a group
    /// part replaces that. Unlike BuildKit, which silently falls back to 0 for a name it cannot
    /// find, an unknown name is an error here: root-owned files nobody asked for are worse.
    /// </summary>
    /// <exception cref="FileCopyException">A name that is not in the database, or an empty or malformed spec.</exception>
    public UserIdentity ResolveOwner(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (userPart, groupPart) = Split(spec);
        if (userPart.Length == 0)
        {
            throw new FileCopyException($"invalid --chown '{spec}': the user part is empty");
        }

        uint uid;
        uint gid;
        if (TryNumber(userPart, out var number))
        {
            (uid, gid) = (number, number);
        }
        else
        {
            var user = users.FirstOrDefault(u => u.Name == userPart)
                ?? throw new FileCopyException($"unable to find user {userPart}: {NoPasswdEntries}");
            (uid, gid) = (user.Uid, user.Gid);
        }

        if (groupPart.Length > 0)
        {
            gid = TryNumber(groupPart, out var groupNumber)
                ? groupNumber
                : groups.FirstOrDefault(g => g.Name == groupPart)?.Gid
                    ?? throw new FileCopyException($"unable to find group {groupPart}: {NoGroupEntries}");
        }

        return new UserIdentity(uid, gid, []);
    }

    private static (string User, string Group) Split(string spec)
    {
        // runc reads "user:group" and ignores anything after a second colon.
        var parts = spec.Trim().Split(':');
        return (parts[0], parts.Length > 1 ? parts[1] : string.Empty);
    }

    private static bool TryNumber(string text, out uint value)
    {
        // Go's Atoi accepts a sign; ids are unsigned 32-bit, so a negative one is out of range either way.
        if (text.Length > 0 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            if (parsed is < 0 or > int.MaxValue)
            {
                throw new FileCopyException($"user or group id {text} is out of range (0 to {int.MaxValue})");
            }

            value = (uint)parsed;
            return true;
        }

        value = 0;
        return false;
    }

    private static string ReadIfPresent(string path) => File.Exists(path) ? File.ReadAllText(path) : string.Empty;

    private static IEnumerable<string[]> Lines(string text) =>
        text.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0)
            .Select(line => line.Split(':'));

    private static string Field(string[] fields, int index) => index < fields.Length ? fields[index] : string.Empty;

    // runc parses fields with Atoi and leaves a malformed one at zero.
    private static uint Number(string text) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private sealed record PasswdEntry(string Name, uint Uid, uint Gid, string Home);

    private sealed record GroupEntry(string Name, uint Gid, string[] Members);
}
