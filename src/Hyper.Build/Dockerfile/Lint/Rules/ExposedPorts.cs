using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>The EXPOSE words of the planned stages as they read once expanded, before they are normalised.</summary>
internal static class ExposedPorts
{
    public static IEnumerable<(DockerfileNode Node, string Port)> Of(LintSubject subject)
    {
        var lexer = new ShellLexer(subject.Document.EscapeCharacter);
        foreach (var step in subject.PlannedStages.SelectMany(static s => s.Steps))
        {
            if (step.Original is not ExposeInstruction expose)
            {
                continue;
            }

            foreach (var written in expose.Ports)
            {
                foreach (var port in lexer.ExpandWords(written, step.Environment).Words)
                {
                    yield return (expose.Node, port);
                }
            }
        }
    }
}
