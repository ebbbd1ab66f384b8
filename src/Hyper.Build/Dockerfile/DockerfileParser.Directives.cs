namespace Hyper.Build.Dockerfile;

public sealed partial class DockerfileParser
{
    private readonly Dictionary<string, string> _directives = new(StringComparer.Ordinal);
    private char _escape = '\\';
    private bool _directivesDone;

    /// <summary>
    /// Reads <c># key=value</c> for the keys syntax, escape and check while the file has had nothing but
    /// such lines; the first other line (an instruction, an empty line, any other comment) ends them.
    /// True when the line was a directive.
    /// </summary>
    private bool ReadDirective(ReadOnlySpan<char> line)
    {
        if (_directivesDone)
        {
            return false;
        }

        if (line.IsEmpty || line[0] != '#' || !TrySplitDirective(line[1..].TrimStart(), out var key, out var value))
        {
            _directivesDone = true;
            return false;
        }

        var name = key.ToString().ToLowerInvariant();
        if (name is not ("syntax" or "escape" or "check"))
        {
            _directivesDone = true;
            return false;
        }

        if (_directives.ContainsKey(name))
        {
            throw Error(
                _lineNumber,
                $"only one {name} parser directive can be used",
                line.ToString(),
                $"remove the repeated '# {name}=' line; a parser directive may appear once, at the top of the file");
        }

        var text = value.ToString();
        _directives[name] = text;
        if (name == "escape")
        {
            if (text is not ("`" or "\\"))
            {
                throw Error(
                    _lineNumber,
                    $"invalid escape token '{text}' does not match ` or \\",
                    line.ToString(),
                    "the escape character can only be a backslash (# escape=\\) or a backtick (# escape=`)");
            }

            _escape = text[0];
        }

        return true;
    }

    /// <summary>
    /// Splits <c>key = value</c>: the key a letter then letters or digits, blanks allowed around '=',
    /// the value non-empty with trailing blanks removed. Blanks here are ASCII space, tab, CR, LF and FF.
    /// </summary>
    private static bool TrySplitDirective(ReadOnlySpan<char> text, out ReadOnlySpan<char> key, out ReadOnlySpan<char> value)
    {
        key = value = [];
        if (text.IsEmpty || !char.IsAsciiLetter(text[0]))
        {
            return false;
        }

        var pos = 1;
        while (pos < text.Length && char.IsAsciiLetterOrDigit(text[pos]))
        {
            pos++;
        }

        key = text[..pos];
        while (pos < text.Length && IsDirectiveBlank(text[pos]))
        {
            pos++;
        }

        if (pos == text.Length || text[pos] != '=')
        {
            return false;
        }

        pos++;
        var valueStart = pos;
        while (pos < text.Length && IsDirectiveBlank(text[pos]))
        {
            pos++;
        }

        var end = text.Length;
        while (end > pos && IsDirectiveBlank(text[end - 1]))
        {
            end--;
        }

        // When everything after '=' is blank, the last blank becomes the value: the pattern BuildKit
        // matches with needs one character there and takes it from the blanks.
        if (end == pos)
        {
            if (pos == valueStart)
            {
                return false;
            }

            value = text.Slice(pos - 1, 1);
            return !value.Contains('\n');
        }

        value = text[pos..end];
        return !value.Contains('\n');
    }

    private static bool IsDirectiveBlank(char c) => c is ' ' or '\t' or '\n' or '\f' or '\r';
}
