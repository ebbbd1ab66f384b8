namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>An empty line inside a continued instruction; accepted today, to become an error.</summary>
public sealed class NoEmptyContinuation : ILintRule
{
    public string Name => "NoEmptyContinuation";

    public string Description => "Empty continuation lines will become errors in a future release";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return subject.Document.Warnings
            .Where(w => w.RuleName == Name)
            .Select(w => new LintViolation(this, w.Line, w.Line, "Empty continuation line"));
    }
}
