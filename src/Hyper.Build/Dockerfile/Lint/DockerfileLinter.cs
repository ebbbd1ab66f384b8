using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Dockerfile.Lint.Rules;

namespace Hyper.Build.Dockerfile.Lint;

/// <summary>
/// Runs the build checks over a Dockerfile, honouring the <c># check=</c> directive at the top and
/// <c># check=</c> comments directly above an instruction (which add to it for that instruction).
/// </summary>
public sealed class DockerfileLinter
{
    public DockerfileLinter(IEnumerable<ILintRule>? rules = null)
    {
        Rules = [.. rules ?? DefaultRules];
    }

    /// <summary>Every rule hyperbuild knows, in BuildKit's order.</summary>
    public static IReadOnlyList<ILintRule> DefaultRules { get; } =
    [
        new StageNameCasing(),
        new FromAsCasing(),
        new NoEmptyContinuation(),
        new ConsistentInstructionCasing(),
        new DuplicateStageName(),
        new ReservedStageName(),
        new JsonArgsRecommended(),
        new MaintainerDeprecated(),
        new UndefinedArgInFrom(),
        new WorkdirRelativePath(),
        new UndefinedVar(),
        new MultipleInstructionsDisallowed(),
        new LegacyKeyValueFormat(),
        new RedundantTargetPlatform(),
        new SecretsUsedInArgOrEnv(),
        new InvalidDefaultArgInFrom(),
        new FromPlatformFlagConstDisallowed(),
        new ExposeProtoCasing(),
        new ExposeInvalidFormat(),
        new CopyIgnoredFile(),
    ];

    public IReadOnlyList<ILintRule> Rules { get; }

    /// <summary>The configuration the <c># check=</c> directive of <paramref name="document"/> asks for.</summary>
    /// <exception cref="DockerfileException">The directive has an unknown option or a bad value.</exception>
    public static LintConfiguration ConfigurationOf(DockerfileDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!document.Directives.TryGetValue("check", out var text))
        {
            return new LintConfiguration();
        }

        try
        {
            return LintConfiguration.Parse(text);
        }
        catch (FormatException e)
        {
            throw new DockerfileException(
                document.FileName, 1, $"failed to parse check options: {e.Message}", $"# check={text}", "write # check=skip=<rule>,<rule>;error=<true|false>");
        }
    }

    /// <summary>
    /// Runs every rule; violations of skipped rules are left out. <paramref name="configuration"/>, when
    /// given, replaces the file's <c># check=</c> directive (as the BUILDKIT_DOCKERFILE_CHECK build-arg does).
    /// </summary>
    public LintReport Run(LintSubject subject, LintConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        configuration ??= ConfigurationOf(subject.Document);
        var violations = new List<LintViolation>();
        foreach (var rule in Rules)
        {
            foreach (var violation in rule.Check(subject))
            {
                if (ConfigurationAt(subject.Document, configuration, violation.Line).Runs(rule))
                {
                    violations.Add(violation);
                }
            }
        }

        return new LintReport([.. violations.OrderBy(static v => v.Line)], configuration);
    }

    // A "# check=skip=Rule" comment right above an instruction applies to that instruction only.
    private static LintConfiguration ConfigurationAt(DockerfileDocument document, LintConfiguration configuration, int line)
    {
        foreach (var comment in InstructionParser.CommentLines(document.CommentsAbove, line))
        {
            var text = comment.Trim();
            var equals = text.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0 || !text[..equals].Trim().Equals("check", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = text[(equals + 1)..].Trim();
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            try
            {
                return configuration.Merge(LintConfiguration.Parse(space < 0 ? value : value[..space]));
            }
            catch (FormatException)
            {
                return configuration;
            }
        }

        return configuration;
    }
}
