using System.Globalization;

namespace Hyper.Build.Files;

/// <summary>
/// A <c>--chmod</c> value: an octal mode (<c>755</c>, <c>0644</c>) that replaces the permission bits,
/// or, as newer BuildKit accepts, a symbolic one in chmod(1)'s syntax (<c>u+x,g-w,o=r</c>, <c>a+X</c>)
/// applied to each copied file's own mode.
/// </summary>
public sealed class FileModeChange
{
    private const uint PermissionMask = 0xFFF;
    private readonly uint? octal;
    private readonly IReadOnlyList<Clause> clauses;

    private FileModeChange(uint? octal, IReadOnlyList<Clause> clauses)
    {
        this.octal = octal;
        this.clauses = clauses;
    }

    /// <exception cref="FileCopyException">The value is neither an octal mode up to 07777 nor a valid symbolic mode.</exception>
    public static FileModeChange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _) || text.Any(c => c > '7'))
            {
                throw new FileCopyException($"invalid --chmod '{text}': not an octal mode");
            }

            var value = Convert.ToUInt32(text, 8);
            return value > PermissionMask
                ? throw new FileCopyException($"invalid --chmod '{text}': mode is larger than 07777")
                : new FileModeChange(value, []);
        }

        return new FileModeChange(null, [.. text.Split(',').Select(clause => ParseClause(clause, text))]);
    }

    /// <summary>The new permission bits for an entry whose current mode is <paramref name="mode"/>.</summary>
    public UnixFileMode Apply(UnixFileMode mode, bool isDirectory)
    {
        if (octal is { } value)
        {
            return (UnixFileMode)value;
        }

        var bits = (uint)mode & PermissionMask;
        foreach (var clause in clauses)
        {
            foreach (var (op, permissions) in clause.Actions)
            {
                var who = clause.Who;
                var effective = Expand(permissions, bits, isDirectory, who);
                bits = op switch
                {
                    '+' => bits | effective,
                    '-' => bits & ~effective,
                    _ => (bits & ~ClearMask(who)) | effective,
                };
            }
        }

        return (UnixFileMode)bits;
    }

    private static uint ClearMask(uint who) => who | ((who & 0x1C0) != 0 ? 0x800u : 0) | ((who & 0x38) != 0 ? 0x400u : 0);

    private static uint Expand(string permissions, uint current, bool isDirectory, uint who)
    {
        uint bits = 0;
        foreach (var p in permissions)
        {
            bits |= p switch
            {
                'r' => 0x124u & who,
                'w' => 0x92u & who,
                'x' => 0x49u & who,
                // Execute only for directories and files someone may already execute.
                'X' => isDirectory || (current & 0x49) != 0 ? 0x49u & who : 0,
                's' => ((who & 0x1C0) != 0 ? 0x800u : 0) | ((who & 0x38) != 0 ? 0x400u : 0),
                't' => 0x200u,
                _ => 0,
            };
        }

        return bits;
    }

    private static Clause ParseClause(string clause, string text)
    {
        var i = 0;
        uint who = 0;
        for (; i < clause.Length && clause[i] is 'u' or 'g' or 'o' or 'a'; i++)
        {
            who |= clause[i] switch
            {
                'u' => 0x1C0u,
                'g' => 0x38u,
                'o' => 0x7u,
                _ => 0x1FFu,
            };
        }

        // No "who" means all, as chmod(1) does without a umask to respect.
        who = who == 0 ? 0x1FF : who;
        var actions = new List<(char Op, string Permissions)>();
        while (i < clause.Length)
        {
            var op = clause[i++];
            if (op is not ('+' or '-' or '='))
            {
                throw new FileCopyException($"invalid --chmod '{text}': expected +, - or = in '{clause}'");
            }

            var start = i;
            while (i < clause.Length && clause[i] is 'r' or 'w' or 'x' or 'X' or 's' or 't')
            {
                i++;
            }

            actions.Add((op, clause[start..i]));
        }

        return actions.Count == 0
            ? throw new FileCopyException($"invalid --chmod '{text}': '{clause}' changes nothing")
            : new Clause(who, actions);
    }

    private sealed record Clause(uint Who, IReadOnlyList<(char Op, string Permissions)> Actions);
}
