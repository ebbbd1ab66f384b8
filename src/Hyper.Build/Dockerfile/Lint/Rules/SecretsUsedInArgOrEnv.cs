using System.Text.RegularExpressions;

using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>
/// An ARG or ENV whose name says it holds a secret (a word such as <c>password</c>, <c>token</c> or
/// <c>key</c> at either end or between underscores): its value ends up in the image or its history.
/// </summary>
public sealed partial class SecretsUsedInArgOrEnv : ILintRule
{
    public string Name => "SecretsUsedInArgOrEnv";

    public string Description => "Sensitive data should not be used in the ARG or ENV commands";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/secrets-used-in-arg-or-env/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var instruction in subject.PlannedStages.SelectMany(static s => s.Steps).Select(static s => s.Instruction))
        {
            var (kind, names) = instruction switch
            {
                ArgInstruction arg => ("ARG", arg.Arguments.Select(static a => a.Name)),
                EnvInstruction env => ("ENV", env.Variables.Select(static v => v.Key)),
                _ => (string.Empty, []),
            };
            foreach (var name in names.Where(IsSensitive))
            {
                yield return LintViolation.At(this, instruction.Node, $"Do not use ARG or ENV instructions for sensitive data ({kind} \"{name}\")");
            }
        }
    }

    /// <summary>True for a name such as <c>API_TOKEN</c> or <c>password</c>, but not <c>PUBLIC_KEY</c> or <c>KEY_FILE</c>.</summary>
    public static bool IsSensitive(string name) => SecretWord().IsMatch(name) && !AllowedWord().IsMatch(name);

    [GeneratedRegex("(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretWord();

    [GeneratedRegex("(?:_|^)(?:public|file|version)(?:_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex AllowedWord();
}
