namespace Hyper.Build.Dockerfile.Lint;

/// <summary>One place where a rule found something.</summary>
/// <param name="Rule">The rule that found it.</param>
/// <param name="Line">1-based first line of the instruction.</param>
/// <param name="EndLine">Its last line.</param>
/// <param name="Message">What is wrong here, in BuildKit's words.</param>
public sealed record LintViolation(ILintRule Rule, int Line, int EndLine, string Message)
{
    public static LintViolation At(ILintRule rule, DockerfileNode node, string message)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new(rule, node.StartLine, node.EndLine, message);
    }

    public DockerfileWarning ToWarning(string fileName) => new(fileName, Line, Rule.Name, Message);
}
