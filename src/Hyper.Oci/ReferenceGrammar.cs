using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Hyper.Oci;

/// <summary>
/// The character rules of image references, after the grammar of github.com/distribution/reference
/// (regexp.go). They are written as loops rather than regexes so that the checks a registry makes on
/// every request allocate nothing, and so that a parse error can name the exact part that is wrong.
/// </summary>
internal static class ReferenceGrammar
{
    public const int MaxTagLength = 128;

    private const string SeparatorRule = "between letters and digits use one '.', one or two '_', or any number of '-'";

    private static readonly SearchValues<char> IPv6Characters =
        SearchValues.Create("0123456789abcdefABCDEF:");

    public enum PathProblem
    {
        None,
        Empty,
        EmptyComponent,
        Uppercase,
        InvalidCharacter,
        BadEdge,
        BadSeparator,
    }

    public enum TagProblem
    {
        None,
        Empty,
        TooLong,
        BadFirstCharacter,
        InvalidCharacter,
    }

    /// <summary>
    /// Checks a repository path, <c>component[/component]*</c>. On a problem, <paramref name="at"/> is the
    /// range of the offending component, separator or character within <paramref name="path"/>.
    /// </summary>
    public static PathProblem CheckPath(ReadOnlySpan<char> path, out Range at)
    {
        at = default;
        if (path.IsEmpty)
        {
            return PathProblem.Empty;
        }

        var start = 0;
        while (true)
        {
            var slash = path[start..].IndexOf('/');
            var end = slash < 0 ? path.Length : start + slash;
            var problem = CheckComponent(path[start..end], start, out at);
            if (problem != PathProblem.None || slash < 0)
            {
                return problem;
            }

            start = end + 1;
        }
    }

    // component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := '.' | '_' | '__' | '-'+
    private static PathProblem CheckComponent(ReadOnlySpan<char> component, int offset, out Range at)
    {
        at = new Range(offset, offset + component.Length);
        if (component.IsEmpty)
        {
            return PathProblem.EmptyComponent;
        }

        for (var i = 0; i < component.Length; i++)
        {
            var c = component[i];
            if (IsLowerAlphanumeric(c) || c is '.' or '_' or '-')
            {
                continue;
            }

            at = new Range(offset + i, offset + i + 1);
            return char.IsAsciiLetterUpper(c) ? PathProblem.Uppercase : PathProblem.InvalidCharacter;
        }

        if (!IsLowerAlphanumeric(component[0]) || !IsLowerAlphanumeric(component[^1]))
        {
            return PathProblem.BadEdge;
        }

        // Both ends are alphanumeric, so every run of separator characters lies strictly inside.
        var index = 1;
        while (index < component.Length)
        {
            if (IsLowerAlphanumeric(component[index]))
            {
                index++;
                continue;
            }

            var runStart = index;
            while (!IsLowerAlphanumeric(component[index]))
            {
                index++;
            }

            var run = component[runStart..index];
            var valid = run is "." or "_" or "__" || !run.ContainsAnyExcept('-');
            if (!valid)
            {
                at = new Range(offset + runStart, offset + index);
                return PathProblem.BadSeparator;
            }
        }

        return PathProblem.None;
    }

    /// <summary>Describes a problem <see cref="CheckPath"/> found, for an error message.</summary>
    public static string DescribePathProblem(PathProblem problem, ReadOnlySpan<char> path, Range at)
    {
        var part = path[at];
        return problem switch
        {
            PathProblem.Empty => "the repository name is empty",
            PathProblem.EmptyComponent =>
                $"repository '{path}' has an empty path component: components are separated by a single '/', and the path must not start or end with '/'",
            PathProblem.Uppercase => $"repository name '{path}' must be lowercase",
            PathProblem.InvalidCharacter =>
                $"repository '{path}' contains '{part}', which is not allowed: use lowercase letters, digits and the separators '.', '_', '__' and '-'",
            PathProblem.BadEdge => $"path component '{part}' of repository '{path}' must start and end with a lowercase letter or digit",
            PathProblem.BadSeparator => $"repository '{path}' has the separator '{part}', which is not allowed: {SeparatorRule}",
            _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, null),
        };
    }

    // tag := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
    public static TagProblem CheckTag(ReadOnlySpan<char> tag, out int at)
    {
        at = 0;
        if (tag.IsEmpty)
        {
            return TagProblem.Empty;
        }

        if (tag.Length > MaxTagLength)
        {
            return TagProblem.TooLong;
        }

        if (!IsWordCharacter(tag[0]))
        {
            return TagProblem.BadFirstCharacter;
        }

        for (var i = 1; i < tag.Length; i++)
        {
            if (!IsWordCharacter(tag[i]) && tag[i] is not ('.' or '-'))
            {
                at = i;
                return TagProblem.InvalidCharacter;
            }
        }

        return TagProblem.None;
    }

    /// <summary>Describes a problem <see cref="CheckTag"/> found, for an error message.</summary>
    public static string DescribeTagProblem(TagProblem problem, ReadOnlySpan<char> tag, int at) => problem switch
    {
        TagProblem.Empty => "the tag after ':' is empty; a tag is 1 to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'",
        TagProblem.TooLong => $"the tag is {tag.Length} characters long; at most {MaxTagLength} are allowed",
        TagProblem.BadFirstCharacter => $"tag '{tag}' must start with a letter, digit or '_'",
        TagProblem.InvalidCharacter => $"tag '{tag}' contains '{tag[at]}', which is not allowed: use letters, digits, '_', '.' and '-'",
        _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, null),
    };

    /// <summary>
    /// Whether the text before the first '/' names a registry rather than a path component: docker's rule
    /// is that it does when it contains '.' or ':' or is 'localhost', and (since repository paths are
    /// lowercase) when it has an uppercase letter.
    /// </summary>
    public static bool LooksLikeRegistry(ReadOnlySpan<char> firstComponent) =>
        firstComponent is "localhost"
        || firstComponent.ContainsAny('.', ':')
        || firstComponent.ContainsAnyInRange('A', 'Z');

    /// <summary>
    /// Checks <c>host[:port]</c>, where host is a DNS-style name, a dotted IPv4 address or a bracketed IPv6
    /// address. Returns null when valid, otherwise what is wrong.
    /// </summary>
    public static string? DescribeRegistryProblem(ReadOnlySpan<char> registry)
    {
        if (registry.IsEmpty)
        {
            return "the registry is empty";
        }

        ReadOnlySpan<char> port;
        bool hasPort;
        if (registry[0] == '[')
        {
            var close = registry.IndexOf(']');
            if (close < 0)
            {
                return "the IPv6 address has no closing ']'";
            }

            if (DescribeIPv6Problem(registry[1..close]) is { } problem)
            {
                return problem;
            }

            var rest = registry[(close + 1)..];
            hasPort = !rest.IsEmpty;
            if (hasPort && rest[0] != ':')
            {
                return $"expected ':' and a port after ']', found '{rest}'";
            }

            port = hasPort ? rest[1..] : default;
        }
        else
        {
            var colon = registry.IndexOf(':');
            hasPort = colon >= 0;
            port = hasPort ? registry[(colon + 1)..] : default;
            if (port.Contains(':'))
            {
                return "an IPv6 address must be written in brackets, e.g. '[::1]:5000'";
            }

            var host = hasPort ? registry[..colon] : registry;
            if (!IsDomainName(host))
            {
                return $"host '{host}' is not a valid host name: each '.'-separated label must be letters, digits and '-', not starting or ending with '-'";
            }
        }

        if (!hasPort)
        {
            return null;
        }

        if (port.IsEmpty)
        {
            return "the port after ':' is empty";
        }

        return port.ContainsAnyExceptInRange('0', '9') ? $"port '{port}' must be a number" : null;
    }

    // The reference library admits IPv6 addresses in compressed or full hex form only: no zone
    // identifier (it would need escaping in a URL) and no embedded IPv4 such as '::ffff:1.2.3.4'.
    private static string? DescribeIPv6Problem(ReadOnlySpan<char> address)
    {
        if (address.Contains('%'))
        {
            return $"'{address}' has an IPv6 zone identifier, which is not allowed in a reference";
        }

        if (address.Contains('.'))
        {
            return $"'{address}' embeds an IPv4 address, which is not allowed in a reference; write it in hex";
        }

        var valid = !address.IsEmpty
            && !address.ContainsAnyExcept(IPv6Characters)
            && IPAddress.TryParse(address, out var parsed)
            && parsed.AddressFamily == AddressFamily.InterNetworkV6;
        return valid ? null : $"'{address}' is not an IPv6 address";
    }

    // domain-name := label ('.' label)*, label := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
    private static bool IsDomainName(ReadOnlySpan<char> host)
    {
        foreach (var range in host.Split('.'))
        {
            var label = host[range];
            if (label.IsEmpty
                || !char.IsAsciiLetterOrDigit(label[0])
                || !char.IsAsciiLetterOrDigit(label[^1]))
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);

    // Go's \w: ASCII letters, digits and underscore.
    private static bool IsWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
