using Hyper.Oci;

namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>
/// A FROM that only works when a <c>--build-arg</c> is given: with the global ARGs' defaults alone the
/// base is empty or not an image reference (<c>ARG TAG</c> then <c>FROM alpine:$TAG</c>).
/// </summary>
public sealed class InvalidDefaultArgInFrom : ILintRule
{
    private static readonly string[] PlatformArguments =
    [
        "BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT",
        "TARGETPLATFORM", "TARGETOS", "TARGETOSVERSION", "TARGETARCH", "TARGETVARIANT", "TARGETSTAGE",
    ];

    public string Name => "InvalidDefaultArgInFrom";

    public string Description => "Default value for global ARG results in an empty or invalid base image name";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/invalid-default-arg-in-from/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Plan is not { } plan)
        {
            return [];
        }

        var lexer = new ShellLexer(subject.Document.EscapeCharacter);
        var violations = new List<LintViolation>();
        try
        {
            var defaults = PlatformArguments
                .Where(plan.GlobalArguments.ContainsKey)
                .ToDictionary(static n => n, n => plan.GlobalArguments[n], StringComparer.Ordinal);
            foreach (var definition in plan.Dockerfile.GlobalArgs.SelectMany(static a => a.Arguments))
            {
                if (definition.Default is not null)
                {
                    defaults[definition.Name] = lexer.ExpandWord(definition.Default, defaults).Result;
                }
            }

            foreach (var from in plan.Dockerfile.Stages.Select(static s => s.From))
            {
                if (!Reference.TryParse(lexer.ExpandWord(from.BaseName, defaults).Result, out _))
                {
                    violations.Add(LintViolation.At(this, from.Node, $"Default value for ARG {from.BaseName} results in empty or invalid base image name"));
                }
            }
        }
        catch (ShellExpansionException)
        {
            // A default such as ${B:?required} cannot expand without its build-arg; BuildKit skips the check then.
            return [];
        }

        return violations;
    }
}
