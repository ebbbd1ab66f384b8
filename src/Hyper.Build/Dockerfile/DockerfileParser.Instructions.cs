using Hyper.Build.Dockerfile.Parsing;

namespace Hyper.Build.Dockerfile;

public sealed partial class DockerfileParser
{
    /// <summary>
    /// Splits one logical line into keyword, flags and arguments and shapes the arguments the way
    /// BuildKit's dispatch table does for that keyword.
    /// </summary>
    private DockerfileNode CreateNode(string line, int startLine, int endLine, bool topLevel)
    {
        var trimmed = line.AsSpan().Trim();
        IReadOnlyList<string> flags = [];
        var arguments = "";
        if (DockerfileWhitespace.TrySplitFirst(trimmed, out var name, out var rest))
        {
            var found = BuilderFlags.Extract(rest, _escape, out var afterFlags);
            if (found.Count > 0)
            {
                flags = found;
            }

            arguments = afterFlags.Trim().ToString();
        }

        var (keyword, form) = InstructionKeywords.Lookup(name);
        var node = new DockerfileNode
        {
            Instruction = keyword,
            Flags = flags,
            Original = line,
            StartLine = startLine,
            EndLine = endLine,
        };

        node = form switch
        {
            ArgumentForm.WhitespaceDelimited => node with { Arguments = SplitOnBlanks(arguments) },
            ArgumentForm.Single => node with { Arguments = arguments.Length == 0 ? [] : [arguments] },
            ArgumentForm.NameValue => node with { Arguments = NameValueTriples(arguments, keyword, line, startLine) },
            ArgumentForm.NameOrNameValue => node with { Arguments = QuotedWords.Split(arguments, _escape) },
            ArgumentForm.MaybeJson => WithMaybeJson(node, arguments, line, startLine),
            ArgumentForm.MaybeJsonToList => WithMaybeJsonList(node, arguments, line, startLine),
            ArgumentForm.HealthCheck => WithHealthCheck(node, arguments, line, startLine),
            ArgumentForm.SubInstruction => arguments.Length == 0
                ? node
                : node with { Nested = CreateNode(arguments, startLine, endLine, topLevel: false) },
            _ => node,
        };

        if (topLevel)
        {
            CheckInstruction(node, form, name.ToString());
        }

        return node;
    }

    private static List<string> SplitOnBlanks(string arguments) =>
        arguments.Length == 0 ? [] : DockerfileWhitespace.SplitOnSeparators(arguments);

    /// <summary>
    /// ENV and LABEL: <c>key value…</c> (legacy, one pair, separator "") when the first word has no '=',
    /// otherwise every word must be <c>key=value</c>.
    /// </summary>
    private List<string> NameValueTriples(string arguments, string keyword, string line, int startLine)
    {
        var words = QuotedWords.Split(arguments, _escape);
        if (words.Count == 0)
        {
            return [];
        }

        var upper = keyword.ToUpperInvariant();
        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            if (!DockerfileWhitespace.TrySplitFirst(arguments, out var key, out var value))
            {
                throw Error(
                    startLine,
                    $"{upper} must have two arguments",
                    line,
                    $"give {words[0]} a value: {upper} {words[0]}=value (an empty value is {upper} {words[0]}=\"\")");
            }

            return [key.ToString(), value.ToString(), ""];
        }

        var triples = new List<string>(words.Count * 3);
        foreach (var word in words)
        {
            var equals = word.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                throw Error(
                    startLine,
                    $"Syntax error - can't find = in {Quote(word)}. Must be of the form: name=value",
                    line,
                    $"once the first pair is name=value every word must be; quote or escape a value that has spaces in it, e.g. {upper} name=\"two words\"");
            }

            triples.Add(word[..equals]);
            triples.Add(word[(equals + 1)..]);
            triples.Add("=");
        }

        return triples;
    }

    private DockerfileNode WithMaybeJson(DockerfileNode node, string arguments, string line, int startLine)
    {
        if (arguments.Length == 0)
        {
            return node;
        }

        return ReadJson(arguments, line, startLine, out var values)
            ? node with { Arguments = values, IsJson = true }
            : node with { Arguments = [arguments] };
    }

    private DockerfileNode WithMaybeJsonList(DockerfileNode node, string arguments, string line, int startLine) =>
        ReadJson(arguments, line, startLine, out var values)
            ? node with { Arguments = values, IsJson = true }
            : node with { Arguments = SplitOnBlanks(arguments) };

    /// <summary>True for a JSON string array; false for shell form; throws for JSON with other values in it.</summary>
    private bool ReadJson(string arguments, string line, int startLine, out List<string> values)
    {
        switch (JsonStringArray.Parse(arguments, out values))
        {
            case JsonArrayKind.Strings:
                return true;
            case JsonArrayKind.NotStrings:
                throw Error(
                    startLine,
                    "when using JSON array syntax, arrays must be comprised of strings only",
                    line,
                    "write every element as a double-quoted string, e.g. [\"echo\", \"hello\"], or drop the brackets to use the shell form");
            default:
                return false;
        }
    }

    /// <summary>HEALTHCHECK: a type word (NONE, CMD, …) then a maybe-JSON command; CMD gets its own node too.</summary>
    private DockerfileNode WithHealthCheck(DockerfileNode node, string arguments, string line, int startLine)
    {
        if (arguments.Length == 0)
        {
            return node;
        }

        var typeEnd = 0;
        while (typeEnd < arguments.Length && !DockerfileWhitespace.IsSpace(arguments[typeEnd]))
        {
            typeEnd++;
        }

        var commandStart = typeEnd;
        while (commandStart < arguments.Length && DockerfileWhitespace.IsSpace(arguments[commandStart]))
        {
            commandStart++;
        }

        var type = arguments[..typeEnd];
        var command = WithMaybeJson(
            new DockerfileNode { Instruction = "cmd", Original = arguments[commandStart..], StartLine = node.StartLine, EndLine = node.EndLine },
            arguments[commandStart..],
            line,
            startLine);

        return node with
        {
            Arguments = [type, .. command.Arguments],
            IsJson = command.IsJson,
            Nested = type.Equals("CMD", StringComparison.OrdinalIgnoreCase) ? command : null,
        };
    }

    /// <summary>
    /// What BuildKit rejects when it turns the parse tree into instructions, right after parsing. The
    /// first such problem is raised only once the whole file has parsed, because a parse error anywhere
    /// in the file is what BuildKit reports first.
    /// </summary>
    private void CheckInstruction(DockerfileNode node, ArgumentForm form, string written)
    {
        if (_deferredError is not null)
        {
            return;
        }

        if (form == ArgumentForm.Ignored)
        {
            var suggestion = written.Length == 0 ? null : InstructionKeywords.Suggest(written);
            var hint = suggestion is not null
                ? $"did you mean {suggestion}?"
                : written.Length == 0
                    ? "a line holds only the escape character that continues lines; remove it"
                    : $"instructions are {InstructionKeywords.AllNames()}";
            _deferredError = Error(node.StartLine, $"unknown instruction: {written}", node.Original, hint);
            return;
        }

        if (node.Instruction == "onbuild" && node.Nested is { } trigger)
        {
            var triggerName = trigger.Instruction.ToUpperInvariant();
            if (triggerName == "ONBUILD")
            {
                _deferredError = Error(
                    node.StartLine,
                    "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
                    node.Original,
                    "give the trigger once: ONBUILD <instruction>");
            }
            else if (triggerName is "FROM" or "MAINTAINER")
            {
                _deferredError = Error(
                    node.StartLine,
                    $"{triggerName} isn't allowed as an ONBUILD trigger",
                    node.Original,
                    triggerName == "FROM"
                        ? "an image built FROM this one already has its base; remove this ONBUILD"
                        : "use ONBUILD LABEL org.opencontainers.image.authors=\"…\" instead of MAINTAINER");
            }

            return;
        }

        if (node.Instruction == "shell")
        {
            if (node.Arguments.Count == 0)
            {
                _deferredError = Error(
                    node.StartLine,
                    "SHELL requires at least one argument",
                    node.Original,
                    "name the shell and its options as a JSON array, e.g. SHELL [\"/bin/bash\", \"-c\"]");
            }
            else if (!node.IsJson)
            {
                _deferredError = Error(
                    node.StartLine,
                    "SHELL requires the arguments to be in JSON form",
                    node.Original,
                    $"write it as a JSON array, e.g. SHELL [{string.Join(", ", DockerfileWhitespace.SplitOnSeparators(node.Arguments[0]).Select(Quote))}]");
            }
        }
    }

    private static bool CanContainHeredoc(DockerfileNode node)
    {
        if (node.Instruction == "onbuild" && node.Nested is not null)
        {
            node = node.Nested;
        }

        return node.Instruction is "run" or "copy" or "add" && !node.IsJson;
    }

    /// <summary>A double-quoted rendering for messages, with backslashes and quotes escaped.</summary>
    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
