using System.Text;

namespace Hyper.Build.Dockerfile;

/// <summary>Parameter expansion: <c>$NAME</c>, <c>${NAME}</c> and <c>${NAME&lt;operator&gt;word}</c>.</summary>
internal sealed partial class ShellExpander
{
    private const string SupportedOperators = ":- - :+ + :? ? # ## % %% / //";

    private string ExpandParameter()
    {
        Next();
        if (Peek() != '{')
        {
            var bare = ReadName();
            if (bare.Length == 0)
            {
                // "$" before anything that cannot start a name is a plain dollar sign.
                return "$";
            }

            var (bareValue, bareSet) = Lookup(bare);
            return !bareSet && options.PreserveUnsetVariables ? "$" + bare : bareValue;
        }

        Next();
        var first = Peek();
        if (first == End)
        {
            throw MissingBrace();
        }

        if (first is '{' or '}' or ':')
        {
            throw new ExpansionFailure("bad substitution: ${ must be followed by a variable name");
        }

        var name = ReadName();
        var op = Next();
        switch (op)
        {
            case '}':
                var (value, set) = Lookup(name);
                return !set && options.PreserveUnsetVariables ? "${" + name + "}" : value;
            case ':':
                return ExpandWithOperator(name, Next(), nullIsUnset: true);
            case '+' or '-' or '?' or '#' or '%':
                return ExpandWithOperator(name, op, nullIsUnset: false);
            case '/':
                return ExpandReplacement(name);
            case End:
                throw MissingBrace();
            default:
                throw UnsupportedOperator(name, char.ConvertFromUtf32(op));
        }
    }

    private string ExpandWithOperator(string name, int op, bool nullIsUnset)
    {
        var spelled = (nullIsUnset ? ":" : string.Empty) + (op == End ? string.Empty : char.ConvertFromUtf32(op));
        var isPattern = op is '#' or '%';
        if (op == End)
        {
            throw MissingBrace();
        }

        if (nullIsUnset && isPattern)
        {
            throw UnsupportedOperator(name, spelled);
        }

        // Only :- :+ :? exist, not bash's := or ${VAR:offset}. An unsupported operator still
        // has its operand read first: with unset variables preserved, BuildKit leaves the whole
        // ${...} as written instead of failing. Pattern operands keep their escapes so that \*
        // can mean a literal star.
        var supported = op is '+' or '-' or '?' or '#' or '%';
        var operand = ReadOperand('}', isPattern, supported ? MissingBrace : () => UnsupportedOperator(name, spelled));
        var (value, set) = Lookup(name);
        if (!set && options.PreserveUnsetVariables)
        {
            return "${" + name + spelled + operand + "}";
        }

        var absent = !set || (nullIsUnset && value.Length == 0);
        switch (op)
        {
            case '-':
                return absent ? operand : value;
            case '+':
                return absent ? string.Empty : operand;
            case '?':
                if (!set)
                {
                    throw new ExpansionFailure($"{name}: {(operand.Length > 0 ? operand : "is required but not set")}");
                }

                if (absent)
                {
                    throw new ExpansionFailure($"{name}: {(operand.Length > 0 ? operand : "is required but empty")}");
                }

                return value;
            case '#' or '%':
                // A doubled operator (## or %%) removes the longest match instead of the shortest.
                var longest = operand.Length > 0 && operand[0] == op;
                var pattern = longest ? operand[1..] : operand;
                try
                {
                    return op == '#'
                        ? ShellPattern.RemovePrefix(value, pattern, longest)
                        : ShellPattern.RemoveSuffix(value, pattern, longest);
                }
                catch (FormatException invalid)
                {
                    throw new ExpansionFailure($"invalid pattern '{pattern}' in ${{{name}{spelled}...}}: {invalid.Message}");
                }

            default:
                throw UnsupportedOperator(name, spelled);
        }
    }

    private string ExpandReplacement(string name)
    {
        var all = Peek() == '/';
        if (all)
        {
            Next();
        }

        var pattern = ReadOperand('/', withEscapes: true, () => new ExpansionFailure(
            $"unterminated ${{{name}/pattern/replacement}}: a '/' must follow the pattern, then the replacement and '}}'"));
        var replacement = ReadOperand('}', withEscapes: true, MissingBrace);
        var (value, set) = Lookup(name);
        if (!set && options.PreserveUnsetVariables)
        {
            return "${" + name + "/" + pattern + "/" + replacement + "}";
        }

        try
        {
            return all
                ? ShellPattern.ReplaceAll(value, pattern, replacement)
                : ShellPattern.ReplaceFirst(value, pattern, replacement);
        }
        catch (FormatException invalid)
        {
            throw new ExpansionFailure($"invalid pattern '{pattern}' in ${{{name}/...}}: {invalid.Message}");
        }
    }

    /// <summary>Reads the operand of a <c>${...}</c> up to its terminator.</summary>
    private string ReadOperand(int stop, bool withEscapes, Func<ExpansionFailure> whenTruncated)
    {
        try
        {
            return ReadUntil(stop, withEscapes).Text;
        }
        catch (ExpansionFailure) when (Peek() == End)
        {
            // Whatever went wrong inside, running out of text means the ${ was never closed,
            // which is the thing to fix first.
            throw whenTruncated();
        }
    }

    /// <summary>
    /// Reads a parameter name: a run of letters, digits and underscores, or a run of digits
    /// (positional parameter), or one special parameter character. An empty result means none.
    /// </summary>
    private string ReadName()
    {
        var name = new StringBuilder();
        while (Peek() != End)
        {
            var ch = Peek();
            if (name.Length == 0 && IsDigit(ch))
            {
                while (IsDigit(Peek()))
                {
                    AppendCodePoint(name, Next());
                }

                return name.ToString();
            }

            if (name.Length == 0 && ch is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
            {
                Next();
                return ((char)ch).ToString();
            }

            if (!IsLetter(ch) && !IsDigit(ch) && ch != '_')
            {
                break;
            }

            AppendCodePoint(name, Next());
        }

        return name.ToString();
    }

    private (string Value, bool Set) Lookup(string name)
    {
        if (environment.TryGetValue(name, out var value))
        {
            Matched.Add(name);
            return (value ?? string.Empty, true);
        }

        Unmatched.Add(name);
        return (string.Empty, false);
    }

    private static bool IsDigit(int codePoint) => codePoint != End && Rune.IsDigit(new Rune(codePoint));

    private static bool IsLetter(int codePoint) => codePoint != End && Rune.IsLetter(new Rune(codePoint));

    private static ExpansionFailure MissingBrace() => new("unterminated ${: add the closing }");

    private static ExpansionFailure UnsupportedOperator(string name, string op) =>
        new($"'{op}' in ${{{name}{op}...}} is not a supported operator (supported: {SupportedOperators})");
}
