namespace Hyper.Build.Dockerfile.Instructions;

public static partial class InstructionParser
{
    private static readonly FlagSpec[] CopyFlags =
    [
        FlagSpec.String("from"),
        FlagSpec.String("chown"),
        FlagSpec.String("chmod"),
        FlagSpec.Bool("link"),
        FlagSpec.Bool("parents"),
        FlagSpec.Strings("exclude"),
    ];

    private static readonly FlagSpec[] AddFlags =
    [
        FlagSpec.String("chown"),
        FlagSpec.String("chmod"),
        FlagSpec.Bool("link"),
        FlagSpec.Strings("exclude"),
        FlagSpec.String("checksum"),
        FlagSpec.Bool("keep-git-dir"),
        FlagSpec.Bool("unpack"),
    ];

    private static CopyInstruction ParseCopy(DockerfileNode node)
    {
        RequireDestination(node, "COPY");
        var flags = InstructionFlags.Read("COPY", node.Flags, CopyFlags);
        var (sources, contents, destination) = ReadSourcesAndDestination(node, "COPY");
        return new CopyInstruction
        {
            Node = node,
            Sources = sources,
            SourceContents = contents,
            Destination = destination,
            From = EmptyToNull(flags.String("from")),
            Chown = EmptyToNull(flags.String("chown")),
            Chmod = EmptyToNull(flags.String("chmod")),
            Link = flags.Bool("link"),
            Parents = flags.Bool("parents"),
            Excludes = flags.Strings("exclude"),
        };
    }

    private static AddInstruction ParseAdd(DockerfileNode node)
    {
        RequireDestination(node, "ADD");
        var flags = InstructionFlags.Read("ADD", node.Flags, AddFlags);
        var (sources, contents, destination) = ReadSourcesAndDestination(node, "ADD");
        return new AddInstruction
        {
            Node = node,
            Sources = sources,
            SourceContents = contents,
            Destination = destination,
            Chown = EmptyToNull(flags.String("chown")),
            Chmod = EmptyToNull(flags.String("chmod")),
            Link = flags.Bool("link"),
            Excludes = flags.Strings("exclude"),
            Checksum = EmptyToNull(flags.String("checksum")),
            KeepGitDir = flags.OptionalBool("keep-git-dir"),
            Unpack = flags.OptionalBool("unpack"),
        };
    }

    private static void RequireDestination(DockerfileNode node, string name)
    {
        if (node.Arguments.Count < 2)
        {
            throw new InvalidInstructionException(
                $"{name} requires at least two arguments, but only one was provided. Destination could not be determined",
                $"write {name} <source>... <destination>, e.g. {name} . /app/");
        }
    }

    private static (IReadOnlyList<string> Sources, IReadOnlyList<SourceContent> Contents, string Destination) ReadSourcesAndDestination(
        DockerfileNode node, string name)
    {
        var destination = node.Arguments[^1];
        if (HeredocFor(node, destination) is not null)
        {
            throw new InvalidInstructionException($"{name} cannot accept a heredoc as a destination", $"write {name} <<EOF <destination>");
        }

        var sources = new List<string>();
        var contents = new List<SourceContent>();
        foreach (var source in node.Arguments.Take(node.Arguments.Count - 1))
        {
            if (HeredocFor(node, source) is { } heredoc)
            {
                contents.Add(new SourceContent(heredoc.Name, heredoc.Content, heredoc.Expand));
            }
            else
            {
                sources.Add(source);
            }
        }

        return (sources, contents, destination);
    }

    // An argument such as <<EOF, <<-EOF or <<"EOF" that names one of the node's here-documents.
    private static Heredoc? HeredocFor(DockerfileNode node, string argument)
    {
        if (!argument.StartsWith("<<", StringComparison.Ordinal) || node.Heredocs.Count == 0)
        {
            return null;
        }

        var name = argument[2..].TrimStart('-').Trim();
        if (name.Length >= 2 && name[0] is '"' or '\'' && name[^1] == name[0])
        {
            name = name[1..^1];
        }

        return node.Heredocs.FirstOrDefault(h => h.Name == name);
    }

    private static string? EmptyToNull(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
