using System.Text;

using Hyper.Build.Dockerfile;

namespace Hyper.Build.Tests.Dockerfile;

/// <summary>
/// Renders parse trees in the s-expression form of BuildKit's parser test vectors:
/// <c>(copy ["--from=a"] "src" "dst")</c>, ONBUILD's trigger as a nested parenthesised node.
/// </summary>
internal static class SExpression
{
    public static IReadOnlyList<string> Render(DockerfileDocument document) =>
        document.Instructions.Select(Render).ToList();

    public static string Render(DockerfileNode node)
    {
        var text = new StringBuilder("(");
        Append(text, node);
        return text.Append(')').ToString();
    }

    private static void Append(StringBuilder text, DockerfileNode node)
    {
        text.Append(node.Instruction);
        if (node.Flags.Count > 0)
        {
            text.Append(" [").AppendJoin(' ', node.Flags.Select(GoQuote.Quote)).Append(']');
        }

        foreach (var argument in node.Arguments)
        {
            text.Append(' ').Append(GoQuote.Quote(argument));
        }

        // HEALTHCHECK's CMD node repeats what its arguments already say; only ONBUILD's trigger is shown.
        if (node.Instruction == "onbuild" && node.Nested is { } trigger)
        {
            text.Append(" (");
            Append(text, trigger);
            text.Append(')');
        }
    }
}
