using Hyper.Oci;

namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>
/// A FROM that only works when a <c>--build-arg</c> is given: with the global ARGs' defaults alone the
/// base is empty or not an image reference (<c>ARG TAG</c> then <c>FROM alpine:$TAG</c>).
/// </summary>
public sealed class InvalidDefaultArgInFrom : ILintRule
{
    public string Name => "InvalidDefaultArgInFrom";

    public string Description => "Default value for global ARG results in an empty or invalid base image name";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/invalid-default-arg-in-from/");

    /// <remarks>
    /// Needs only the instructions, not a plan: BuildKit runs it before the stages are dispatched, so it is
    /// reported also when the build then fails on the same FROM (a blank base name).
    /// </remarks>
    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Dockerfile is not { } dockerfile)
        {
            return [];
        }

        var lexer = new ShellLexer(subject.Document.EscapeCharacter);
        var defaults = new Dictionary<string, string>(subject.PlatformArguments, StringComparer.Ordinal);
        try
        {
            foreach (var definition in dockerfile.GlobalArgs.SelectMany(static a => a.Arguments))
            {
                if (definition.Default is not null)
                {
                    defaults[definition.Name] = lexer.ExpandWord(definition.Default, defaults).Result;
                }
            }
        }
        catch (ShellExpansionException)
        {
            // A default such as ${B:?required} cannot expand without its build-arg; BuildKit skips the check then.
            return [];
        }

        var violations = new List<LintViolation>();
        foreach (var from in dockerfile.Stages.Select(static s => s.From))
        {
            string baseName;
            try
            {
                baseName = lexer.ExpandWord(from.BaseName, defaults).Result;
            }
            catch (ShellExpansionException)
            {
                // BuildKit stops at the first FROM that cannot expand, keeping what it found before.
                break;
            }

            if (!Reference.TryParse(baseName, out _))
            {
                violations.Add(LintViolation.At(this, from.Node, $"Default value for ARG {from.BaseName} results in empty or invalid base image name"));
            }
        }

        return violations;
    }
}
