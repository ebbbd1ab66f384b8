namespace Hyper.Build.Context;

/// <summary>Reading a .dockerignore file.</summary>
public sealed partial class DockerIgnore
{
    /// <summary>
    /// Reads .dockerignore text: a byte order mark is dropped, lines starting with '#' are
    /// comments, surrounding whitespace is trimmed, blank lines are skipped, and each pattern is
    /// path-cleaned with one leading '/' removed (so <c>/a</c>, <c>./a</c> and <c>a/</c> all mean <c>a</c>).
    /// </summary>
    /// <exception cref="DockerIgnoreException">A line is not a valid pattern.</exception>
    public static DockerIgnore Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        var parsed = new List<DockerIgnorePattern>();
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index];
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }

            // A comment is a '#' in the first column; "  # x" is the pattern "# x".
            if (line.StartsWith('#'))
            {
                continue;
            }

            var pattern = ReadLine(line.Trim());
            if (pattern is not null)
            {
                parsed.Add(Compile(pattern, index + 1));
            }
        }

        return new DockerIgnore([.. parsed]);
    }

    /// <summary>The line as BuildKit's ignore-file reader hands it to the matcher, or null for none.</summary>
    private static string? ReadLine(string line)
    {
        if (line.Length == 0)
        {
            return null;
        }

        var exception = line[0] == '!';
        var pattern = exception ? line[1..].Trim() : line;
        if (pattern.Length > 0)
        {
            pattern = LexicalPath.Clean(pattern);
            if (pattern.Length > 1 && pattern[0] == '/')
            {
                pattern = pattern[1..];
            }
        }

        return exception ? "!" + pattern : pattern;
    }

    private static DockerIgnorePattern Compile(string line, int number)
    {
        // The matcher cleans once more, the '!' included, which turns "!/" into a bare "!".
        var pattern = LexicalPath.Clean(line.Trim());
        var exception = pattern[0] == '!';
        if (exception)
        {
            if (pattern.Length == 1)
            {
                throw new DockerIgnoreException("a '!' must be followed by the pattern it makes an exception for", number, pattern);
            }

            pattern = pattern[1..];
        }

        var error = GlobSyntax.FindError(pattern);
        if (error is not null)
        {
            throw new DockerIgnoreException($"invalid pattern {pattern}: {error}", number, pattern);
        }

        return new DockerIgnorePattern(pattern, exception, number);
    }
}
