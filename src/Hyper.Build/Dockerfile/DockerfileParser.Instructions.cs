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
        ReadOnlySpan<char> arguments = [];
        if (DockerfileWhitespace.TrySplitFirst(trimmed, out var name, out var rest))
        {
            flags = BuilderFlags.Extract(rest, _escape, _scratch, out var afterFlags);
            arguments = afterFlags.Trim();
        }

        var (keyword, form) = InstructionKeywords.Lookup(name);
        var context = new LineContext(line, startLine, endLine);
        var shape = form switch
        {
            ArgumentForm.WhitespaceDelimited => new Shape(SplitOnBlanks(arguments)),
            ArgumentForm.Single => new Shape(arguments.IsEmpty ? [] : [arguments.ToString()]),
            ArgumentForm.NameValue => new Shape(NameValueTriples(arguments, keyword, context)),
            ArgumentForm.NameOrNameValue => new Shape(QuotedWords.Split(arguments, _escape, _scratch)),
            ArgumentForm.MaybeJson => MaybeJson(arguments, context),
            ArgumentForm.MaybeJsonToList => ReadJson(arguments, context, out var values)
                ? new Shape(values, IsJson: true)
                : new Shape(SplitOnBlanks(arguments)),
            ArgumentForm.HealthCheck => HealthCheck(arguments, context),
            ArgumentForm.SubInstruction => arguments.IsEmpty
                ? new Shape([])
                : new Shape([], Nested: CreateNode(arguments.ToString(), startLine, endLine, topLevel: false)),
            _ => new Shape([]),
        };

        var node = new DockerfileNode
        {
            Instruction = keyword,
            Flags = flags,
            Arguments = shape.Arguments,
            IsJson = shape.IsJson,
            Nested = shape.Nested,
            Original = line,
            StartLine = startLine,
            EndLine = endLine,
        };

        if (topLevel)
        {
            CheckInstruction(node, form, name);
        }

        return node;
    }

    private static IReadOnlyList<string> SplitOnBlanks(ReadOnlySpan<char> arguments) =>
        arguments.IsEmpty ? [] : DockerfileWhitespace.SplitOnSeparators(arguments);

    /// <summary>
    /// ENV and LABEL: <c>key value…</c> (legacy, one pair, separator "") when the first word has no '=',
    /// otherwise every word must be <c>key=value</c>.
    /// </summary>
    private List<string> NameValueTriples(ReadOnlySpan<char> arguments, string keyword, LineContext context)
    {
        var words = QuotedWords.Split(arguments, _escape, _scratch);
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
                    context.StartLine,
                    $"{upper} must have two arguments",
                    context.Line,
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
                    context.StartLine,
                    $"Syntax error - can't find = in {Quote(word)}. Must be of the form: name=value",
                    context.Line,
                    $"once the first pair is name=value every word must be; quote or escape a value that has spaces in it, e.g. {upper} name=\"two words\"");
            }

            triples.Add(word[..equals]);
            triples.Add(word[(equals + 1)..]);
            triples.Add("=");
        }

        return triples;
    }

    private Shape MaybeJson(ReadOnlySpan<char> arguments, LineContext context)
    {
        if (arguments.IsEmpty)
        {
            return new Shape([]);
        }

        return ReadJson(arguments, context, out var values)
            ? new Shape(values, IsJson: true)
            : new Shape([arguments.ToString()]);
    }

    /// <summary>True for a JSON string array; false for shell form; throws for JSON with other values in it.</summary>
    private bool ReadJson(ReadOnlySpan<char> arguments, LineContext context, out List<string> values)
    {
        switch (JsonStringArray.Parse(arguments, out values))
        {
            case JsonArrayKind.Strings:
                return true;
            case JsonArrayKind.NotStrings:
                throw Error(
                    context.StartLine,
                    "when using JSON array syntax, arrays must be comprised of strings only",
                    context.Line,
                    "write every element as a double-quoted string, e.g. [\"echo\", \"hello\"], or drop the brackets to use the shell form");
            default:
                return false;
        }
    }

    /// <summary>HEALTHCHECK: a type word (NONE, CMD, …) then a maybe-JSON command; CMD gets its own node too.</summary>
    private Shape HealthCheck(ReadOnlySpan<char> arguments, LineContext context)
    {
        if (arguments.IsEmpty)
        {
            return new Shape([]);
        }

        var typeEnd = 0;
        while (typeEnd < arguments.Length && !DockerfileWhitespace.IsAsciiSpace(arguments[typeEnd]))
        {
            typeEnd++;
        }

        var commandStart = typeEnd;
        while (commandStart < arguments.Length && DockerfileWhitespace.IsAsciiSpace(arguments[commandStart]))
        {
            commandStart++;
        }

        var type = arguments[..typeEnd];
        var commandText = arguments[commandStart..];
        var command = MaybeJson(commandText, context);
        DockerfileNode? nested = null;
        if (type.Equals("CMD", StringComparison.OrdinalIgnoreCase))
        {
            nested = new DockerfileNode
            {
                Instruction = "cmd",
                Arguments = command.Arguments,
                IsJson = command.IsJson,
                Original = commandText.ToString(),
                StartLine = context.StartLine,
                EndLine = context.EndLine,
            };
        }

        return new Shape([type.ToString(), .. command.Arguments], command.IsJson, nested);
    }

    /// <summary>
    /// What BuildKit rejects when it turns the parse tree into instructions, right after parsing. The
    /// first such problem is raised only once the whole file has parsed, because a parse error anywhere
    /// in the file is what BuildKit reports first.
    /// </summary>
    private void CheckInstruction(DockerfileNode node, ArgumentForm form, ReadOnlySpan<char> name)
    {
        if (_deferredError is not null)
        {
            return;
        }

        if (form == ArgumentForm.Ignored)
        {
            var written = name.ToString();
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

    /// <summary>The instruction line being shaped, for error messages and nested nodes.</summary>
    private readonly record struct LineContext(string Line, int StartLine, int EndLine);

    /// <summary>An instruction's arguments as its argument form shapes them.</summary>
    private readonly record struct Shape(IReadOnlyList<string> Arguments, bool IsJson = false, DockerfileNode? Nested = null);
}
