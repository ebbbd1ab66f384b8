using System.Text;

namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>
/// Reads one <c>--mount</c> value (<c>type=cache,target=/root/.cache,sharing=locked</c>): comma-separated
/// fields, quoted like CSV, each value expanded before it is checked, with BuildKit's rules and messages.
/// </summary>
public static class RunMountReader
{
    private static readonly string[] Keys =
    [
        "type", "from", "source", "src", "target", "dst", "destination", "readonly", "ro", "readwrite", "rw",
        "id", "sharing", "required", "size", "mode", "uid", "gid", "env",
    ];

    private static readonly string[] TypeNames = ["bind", "cache", "tmpfs", "secret", "ssh"];

    private static readonly string[] SharingNames = ["shared", "private", "locked"];

    /// <summary>
    /// Reads <paramref name="specification"/>, passing each value through <paramref name="expand"/>.
    /// Throws <see cref="FormatException"/> saying what is wrong.
    /// </summary>
    public static RunMount Read(string specification, Func<string, string>? expand = null)
    {
        ArgumentNullException.ThrowIfNull(specification);
        expand ??= static value => value;
        var mount = new RunMount();
        var readOnlyWritten = false;
        foreach (var field in SplitFields(specification))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            var key = (equals < 0 ? field : field[..equals]).ToLowerInvariant();
            if (equals < 0)
            {
                mount = key switch
                {
                    "readonly" or "ro" => mount with { ReadOnly = true },
                    "readwrite" or "rw" => mount with { ReadOnly = false },
                    "required" when mount.Type is MountType.Secret or MountType.Ssh => mount with { Required = true },
                    "required" => throw Unexpected(key, mount.Type),
                    _ => throw new FormatException($"invalid field '{field}' must be a key=value pair"),
                };
                readOnlyWritten |= key is "readonly" or "ro" or "readwrite" or "rw";
                continue;
            }

            var value = expand(field[(equals + 1)..]);
            switch (key)
            {
                case "type":
                    mount = mount with { Type = ParseType(value) };
                    break;
                case "from":
                    mount = mount with { From = value };
                    break;
                case "source" or "src":
                    mount = mount with { Source = value };
                    break;
                case "target" or "dst" or "destination":
                    mount = mount with { Target = value };
                    break;
                case "readonly" or "ro":
                    mount = mount with { ReadOnly = ParseBool(key, value) };
                    readOnlyWritten = true;
                    break;
                case "readwrite" or "rw":
                    mount = mount with { ReadOnly = !ParseBool(key, value) };
                    readOnlyWritten = true;
                    break;
                case "required":
                    mount = mount.Type is MountType.Secret or MountType.Ssh
                        ? mount with { Required = ParseBool(key, value) }
                        : throw Unexpected(key, mount.Type);
                    break;
                case "size":
                    mount = mount.Type == MountType.Tmpfs
                        ? mount with { SizeLimit = ParseSize(key, value) }
                        : throw Unexpected(key, mount.Type);
                    break;
                case "id":
                    mount = mount with { Id = value };
                    break;
                case "sharing":
                    mount = mount with { Sharing = ParseSharing(value) };
                    break;
                case "mode":
                    mount = mount with { Mode = ParseNumber(key, value, 8) };
                    break;
                case "uid":
                    mount = mount with { Uid = ParseNumber(key, value, 10) };
                    break;
                case "gid":
                    mount = mount with { Gid = ParseNumber(key, value, 10) };
                    break;
                case "env":
                    mount = mount with { Env = value };
                    break;
                default:
                    throw new FormatException(Suggestion.Append($"unexpected key '{key}' in '{field}'", key, Keys));
            }
        }

        return Check(mount, readOnlyWritten);
    }

    private static RunMount Check(RunMount mount, bool readOnlyWritten)
    {
        if (mount.Type is not (MountType.Secret or MountType.Ssh or MountType.Cache))
        {
            var name = TypeName(mount.Type);
            if (mount.Mode is not null)
            {
                throw new FormatException($"mode not allowed for \"{name}\" type mounts");
            }

            if (mount.Uid is not null)
            {
                throw new FormatException($"uid not allowed for \"{name}\" type mounts");
            }

            if (mount.Gid is not null)
            {
                throw new FormatException($"gid not allowed for \"{name}\" type mounts");
            }
        }

        // Context and stage contents are read-only unless asked otherwise; caches and tmpfs are for writing.
        if (!readOnlyWritten)
        {
            mount = mount with { ReadOnly = mount.Type is not (MountType.Cache or MountType.Tmpfs) };
        }

        if (mount.Type == MountType.Secret)
        {
            if (!string.IsNullOrEmpty(mount.From))
            {
                throw new FormatException("secret mount should not have a from");
            }

            if (mount.Sharing is not null)
            {
                throw new FormatException("secret mount should not define sharing");
            }

            if (string.IsNullOrEmpty(mount.Source) && string.IsNullOrEmpty(mount.Target) && string.IsNullOrEmpty(mount.Id))
            {
                throw new FormatException("invalid secret mount. one of source, target required");
            }

            if (!string.IsNullOrEmpty(mount.Source) && !string.IsNullOrEmpty(mount.Id))
            {
                throw new FormatException("both source and id can't be set");
            }
        }

        if (mount.Type == MountType.Ssh && !string.IsNullOrEmpty(mount.Source))
        {
            throw new FormatException("ssh does not support source");
        }

        if (mount.Sharing is not null && mount.Type != MountType.Cache)
        {
            throw new FormatException($"invalid cache sharing set for {TypeName(mount.Type)} mount");
        }

        return mount;
    }

    /// <summary>The lower-case name used in Dockerfiles: <c>bind</c>, <c>cache</c>, …</summary>
    public static string TypeName(MountType type) => TypeNames[(int)type];

    private static FormatException Unexpected(string key, MountType type) =>
        new($"unexpected key '{key}' for mount type '{TypeName(type)}'");

    private static MountType ParseType(string value)
    {
        var index = Array.IndexOf(TypeNames, value.ToLowerInvariant());
        return index >= 0
            ? (MountType)index
            : throw new FormatException(Suggestion.Append($"unsupported mount type \"{value}\"", value, TypeNames) + $"; expected one of {string.Join(", ", TypeNames)}");
    }

    private static MountSharing ParseSharing(string value)
    {
        var index = Array.IndexOf(SharingNames, value.ToLowerInvariant());
        return index >= 0
            ? (MountSharing)index
            : throw new FormatException(Suggestion.Append($"unsupported sharing value \"{value}\"", value, SharingNames) + $"; expected one of {string.Join(", ", SharingNames)}");
    }

    // Go's strconv.ParseBool spellings.
    private static bool ParseBool(string key, string value) => value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw new FormatException($"invalid value for {key}: {value}"),
    };

    private static uint ParseNumber(string key, string value, int radix)
    {
        try
        {
            var number = Convert.ToUInt64(value, radix);
            if (value.Length > 0 && value[0] is not ('+' or '-') && number <= uint.MaxValue)
            {
                return (uint)number;
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
        }

        throw new FormatException($"invalid value {value} for {key}");
    }

    private static long ParseSize(string key, string value) =>
        RamSize.TryParse(value, out var bytes) ? bytes : throw new FormatException($"invalid value for {key}: {value}");

    // CSV as go-csvvalue reads it: a field that starts with a quote runs to the closing quote, "" inside it is a quote.
    private static List<string> SplitFields(string specification)
    {
        var fields = new List<string>();
        var i = 0;
        while (i <= specification.Length)
        {
            var field = new StringBuilder();
            if (i < specification.Length && specification[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= specification.Length)
                    {
                        throw new FormatException($"failed to parse csv mounts: extraneous or missing \" in quoted-field in '{specification}'");
                    }

                    if (specification[i] == '"')
                    {
                        if (i + 1 < specification.Length && specification[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(specification[i++]);
                }

                if (i < specification.Length && specification[i] != ',')
                {
                    throw new FormatException($"failed to parse csv mounts: extraneous or missing \" in quoted-field in '{specification}'");
                }
            }
            else
            {
                var comma = specification.IndexOf(',', i);
                var end = comma < 0 ? specification.Length : comma;
                field.Append(specification, i, end - i);
                i = end;
            }

            fields.Add(field.ToString());
            i++;
        }

        return fields;
    }
}
