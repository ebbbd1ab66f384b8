namespace Hyper.Build.Dockerfile.Lint;

/// <summary>One build check, named and worded as BuildKit's (<c>docker build --check</c>).</summary>
public interface ILintRule
{
    /// <summary>BuildKit's rule name, e.g. <c>JSONArgsRecommended</c>; what <c># check=skip=…</c> names.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>The rule's page: https://docs.docker.com/go/dockerfile/rule/&lt;kebab-name&gt;/.</summary>
    Uri Url { get; }

    /// <summary>Experimental rules run only when <c># check=experimental=…</c> asks for them.</summary>
    bool IsExperimental => false;

    /// <summary>The violations in <paramref name="subject"/>; rules skip what the subject lacks (no plan after an error).</summary>
    IEnumerable<LintViolation> Check(LintSubject subject);
}
