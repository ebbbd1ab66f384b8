using System.Text.RegularExpressions;

namespace Hyper.Build.Dockerfile.Instructions;

public static partial class InstructionParser
{
    private static readonly FlagSpec[] FromFlags = [FlagSpec.String("platform")];

    private static FromInstruction ParseFrom(DockerfileNode node, IReadOnlyList<string> comments)
    {
        var args = node.Arguments;
        string? name = null;
        string? asKeyword = null;
        string? nameAsWritten = null;
        if (args.Count == 3 && args[1].Equals("as", StringComparison.OrdinalIgnoreCase))
        {
            asKeyword = args[1];
            nameAsWritten = args[2];
            name = args[2].ToLowerInvariant();
            if (!StageNamePattern().IsMatch(name))
            {
                throw new InvalidInstructionException(
                    $"invalid name for build stage: \"{args[2]}\", name can't start with a number or contain symbols",
                    "a stage name starts with a letter and has only letters, digits, '-', '_' and '.'");
            }
        }
        else if (args.Count != 1)
        {
            throw new InvalidInstructionException("FROM requires either one or three arguments", "write FROM [--platform=<platform>] <image> [AS <name>]");
        }

        var flags = InstructionFlags.Read("FROM", node.Flags, FromFlags);
        return new FromInstruction
        {
            Node = node,
            BaseName = args[0],
            StageName = name,
            StageNameAsWritten = nameAsWritten,
            AsKeyword = asKeyword,
            Platform = flags.String("platform"),
            Description = Describe(comments, name),
        };
    }

    [GeneratedRegex("^[a-z][a-z0-9-_.]*$")]
    private static partial Regex StageNamePattern();
}
