namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>
/// Turns parse-tree nodes into typed, checked instructions, with BuildKit's rules for what each instruction
/// accepts. Every problem is a <see cref="DockerfileException"/> naming the file, the line, the instruction
/// and what to do about it.
/// </summary>
public static partial class InstructionParser
{
    private static readonly string[] InstructionNames =
    [
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER",
        "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    ];

    /// <summary>Reads every instruction of <paramref name="document"/> and groups them into stages.</summary>
    public static ParsedDockerfile Parse(DockerfileDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var globalArgs = new List<ArgInstruction>();
        var stages = new List<(FromInstruction From, List<Instruction> Instructions)>();
        foreach (var node in document.Instructions)
        {
            var instruction = ParseInstruction(node, document.FileName, document.CommentsAbove);
            switch (instruction)
            {
                case FromInstruction from:
                    stages.Add((from, []));
                    break;
                case ArgInstruction arg when stages.Count == 0:
                    globalArgs.Add(arg);
                    break;
                case var _ when stages.Count == 0:
                    throw new DockerfileException(
                        document.FileName,
                        node.StartLine,
                        "no build stage in current context",
                        node.Original,
                        "a Dockerfile starts with FROM; only ARG instructions may come before the first FROM");
                default:
                    stages[^1].Instructions.Add(instruction);
                    break;
            }
        }

        if (stages.Count == 0)
        {
            var line = document.Instructions.Count == 0 ? 1 : document.Instructions[^1].EndLine;
            throw new DockerfileException(
                document.FileName, line, "dockerfile contains no stages to build", hint: "add a FROM instruction, e.g. FROM alpine:3.20");
        }

        return new ParsedDockerfile
        {
            Document = document,
            GlobalArgs = globalArgs,
            Stages = [.. stages.Select((s, i) => new StageDefinition { Index = i, From = s.From, Instructions = s.Instructions })],
        };
    }

    /// <summary>Reads one instruction. <paramref name="commentsAbove"/> supplies descriptions for FROM and ARG.</summary>
    public static Instruction ParseInstruction(DockerfileNode node, string fileName = "Dockerfile", IReadOnlyDictionary<int, string>? commentsAbove = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(fileName);
        var comments = CommentLines(commentsAbove, node.StartLine);
        try
        {
            return node.Instruction.ToLowerInvariant() switch
            {
                "from" => ParseFrom(node, comments),
                "run" => ParseRun(node),
                "cmd" => ParseCmd(node),
                "entrypoint" => ParseEntrypoint(node),
                "shell" => ParseShell(node),
                "copy" => ParseCopy(node),
                "add" => ParseAdd(node),
                "env" => ParseEnv(node),
                "label" => ParseLabel(node),
                "arg" => ParseArg(node, comments),
                "workdir" => ParseWorkdir(node),
                "user" => ParseUser(node),
                "volume" => ParseVolume(node),
                "expose" => ParseExpose(node),
                "stopsignal" => ParseStopSignal(node),
                "maintainer" => ParseMaintainer(node),
                "onbuild" => ParseOnbuild(node),
                "healthcheck" => ParseHealthcheck(node),
                _ => throw new InvalidInstructionException(
                    Suggestion.Append($"unknown instruction: {node.Instruction.ToUpperInvariant()}", node.Instruction, InstructionNames, caseSensitive: false),
                    $"instructions are {string.Join(", ", InstructionNames)}"),
            };
        }
        catch (InvalidInstructionException e)
        {
            throw new DockerfileException(fileName, node.StartLine, e.Message, node.Original, e.Hint);
        }
    }

    /// <summary>
    /// The description BuildKit takes from the comments above a definition: the first comment line that
    /// starts with the name and a space, without them (<c># version The Go version</c> describes <c>version</c>).
    /// </summary>
    public static string? Describe(IReadOnlyList<string> comments, string? name)
    {
        ArgumentNullException.ThrowIfNull(comments);
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        foreach (var comment in comments)
        {
            if (comment.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return comment[(name.Length + 1)..];
            }
        }

        return null;
    }

    /// <summary>The comment lines directly above the instruction starting at <paramref name="line"/>, without their <c>#</c>.</summary>
    public static IReadOnlyList<string> CommentLines(IReadOnlyDictionary<int, string>? commentsAbove, int line)
    {
        if (commentsAbove is null || !commentsAbove.TryGetValue(line, out var text) || string.IsNullOrEmpty(text))
        {
            return [];
        }

        return
        [
            .. text.Split('\n')
                .Select(static l => l.Trim())
                .Select(static l => l.StartsWith('#') ? l[1..].Trim() : l)
                .Where(static l => l.Length > 0),
        ];
    }

    private static InstructionFlags NoFlags(DockerfileNode node, string name) => InstructionFlags.Read(name, node.Flags, []);

    private static void RequireExactlyOne(DockerfileNode node, string name, string usage)
    {
        if (node.Arguments.Count != 1)
        {
            throw new InvalidInstructionException($"{name} requires exactly one argument", $"write {usage}");
        }
    }

    private static void RequireAtLeastOne(DockerfileNode node, string name, string usage)
    {
        if (node.Arguments.Count == 0)
        {
            throw new InvalidInstructionException($"{name} requires at least one argument", $"write {usage}");
        }
    }

    // Exec form keeps the array; shell form is the whole command as one string.
    private static CommandLine ReadCommandLine(DockerfileNode node) =>
        node.IsJson || node.Arguments.Count == 0
            ? new CommandLine(node.Arguments, node.IsJson)
            : new CommandLine([string.Join(' ', node.Arguments)], IsExecForm: false);
}
