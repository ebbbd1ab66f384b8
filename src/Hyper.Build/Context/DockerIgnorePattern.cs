using System.Text;

namespace Hyper.Build.Context;

/// <summary>
/// One cleaned .dockerignore pattern and how moby's patternmatcher matches it: a plain string
/// compared whole, a prefix (<c>dir/**</c>), a suffix (<c>**/name</c>), or a regular expression.
/// </summary>
internal sealed class DockerIgnorePattern
{
    private readonly Kind kind;
    private readonly IgnoreRegex? regex;
    private readonly string? regexError;

    public DockerIgnorePattern(string text, bool isException, int line)
    {
        Text = text;
        IsException = isException;
        Line = line;
        (kind, var expression) = Translate(text);
        if (kind != Kind.Regex)
        {
            return;
        }

        // patternmatcher compiles the expression on first use, so a bad one only fails a build
        // when some path is actually checked against it; the error is kept until then.
        try
        {
            regex = IgnoreRegex.Parse(expression);
        }
        catch (FormatException invalid)
        {
            regexError = invalid.Message;
        }
    }

    private enum Kind
    {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }

    /// <summary>The cleaned pattern without its leading '!'.</summary>
    public string Text { get; }

    /// <summary>True for a '!' line, which re-includes what earlier lines excluded.</summary>
    public bool IsException { get; }

    /// <summary>1-based line in the ignore file.</summary>
    public int Line { get; }

    /// <summary>A plain path, matched by equality.</summary>
    public bool IsExact => kind == Kind.Exact;

    /// <summary><c>dir/**</c>: matched by the text before the <c>**</c> being a prefix.</summary>
    public bool IsPrefix => kind == Kind.Prefix;

    /// <summary><c>**/name</c>: matched by the text after the <c>**</c> being a suffix.</summary>
    public bool IsSuffix => kind == Kind.Suffix;

    /// <summary>False for an expression that does not compile (it fails when a path is checked against it).</summary>
    public bool IsValid => kind != Kind.Regex || regex is not null;

    /// <exception cref="DockerIgnoreException">The pattern's expression is invalid.</exception>
    public bool Matches(string path)
    {
        switch (kind)
        {
            case Kind.Exact:
                return path == Text;
            case Kind.Prefix:
                return path.StartsWith(Text[..^2], StringComparison.Ordinal);
            case Kind.Suffix:
                // "**/name" also matches "name" itself.
                var suffix = Text[2..];
                return path.EndsWith(suffix, StringComparison.Ordinal)
                    || (suffix.StartsWith('/') && path == suffix[1..]);
            default:
                if (regex is null)
                {
                    throw new DockerIgnoreException($"invalid pattern {Text}: {regexError}", Line, Text);
                }

                return regex.IsMatch(path);
        }
    }

    /// <summary>The pattern with a trailing "/**" or "/*" removed, for deciding whether a directory can be skipped.</summary>
    public string WithoutTrailingWildcard()
    {
        var trimmed = Text.EndsWith("/**", StringComparison.Ordinal) ? Text[..^3] : Text;
        return trimmed.EndsWith("/*", StringComparison.Ordinal) ? trimmed[..^2] : trimmed;
    }

    /// <summary>
    /// Classifies the pattern and writes the RE2 expression patternmatcher would use for it:
    /// '*' is any run without '/', '?' one character but '/', '**' any run of whole directories,
    /// '[' and ']' and backslash escapes pass through to the expression as they are.
    /// </summary>
    private static (Kind Kind, string Expression) Translate(string pattern)
    {
        var expression = new StringBuilder("^");
        var kind = Kind.Exact;
        var text = pattern.EnumerateRunes().Select(r => r.Value).ToList();

        // Go's text scanner drops a byte order mark at the start.
        var position = text.Count > 0 && text[0] == 0xFEFF ? 1 : 0;
        for (var step = 0; position < text.Count; step++)
        {
            var c = text[position++];
            var next = position < text.Count ? text[position] : -1;
            if (c == '*' && next == '*')
            {
                position++;
                if (position < text.Count && text[position] == '/')
                {
                    position++;
                }

                if (position >= text.Count)
                {
                    // A trailing ** matches everything below; on an otherwise plain pattern it is a prefix test.
                    if (kind == Kind.Exact)
                    {
                        kind = Kind.Prefix;
                    }
                    else
                    {
                        expression.Append(".*");
                        kind = Kind.Regex;
                    }
                }
                else
                {
                    expression.Append("(.*/)?");
                    kind = Kind.Regex;
                }

                if (step == 0)
                {
                    kind = Kind.Suffix;
                }
            }
            else if (c == '*')
            {
                expression.Append("[^/]*");
                kind = Kind.Regex;
            }
            else if (c == '?')
            {
                expression.Append("[^/]");
                kind = Kind.Regex;
            }
            else if (c is '.' or '+' or '(' or ')' or '|' or '{' or '}' or '$')
            {
                expression.Append('\\').Append((char)c);
            }
            else if (c == '\\')
            {
                expression.Append('\\');
                if (next >= 0)
                {
                    expression.Append(char.ConvertFromUtf32(next));
                    position++;
                    kind = Kind.Regex;
                }
            }
            else if (c is '[' or ']')
            {
                expression.Append((char)c);
                kind = Kind.Regex;
            }
            else
            {
                expression.Append(char.ConvertFromUtf32(c));
            }
        }

        return (kind, expression.Append('$').ToString());
    }
}
