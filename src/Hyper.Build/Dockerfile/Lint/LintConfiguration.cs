namespace Hyper.Build.Dockerfile.Lint;

/// <summary>
/// The <c># check=skip=A,B;error=true;experimental=C</c> directive: which rules to skip, which
/// experimental ones to run, and whether violations fail the build.
/// </summary>
public sealed record LintConfiguration
{
    public bool SkipAll { get; init; }

    public IReadOnlySet<string> Skipped { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public bool ExperimentalAll { get; init; }

    public IReadOnlySet<string> Experimental { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>True when <c>error=true</c>: any violation is an error.</summary>
    public bool ErrorOnViolation { get; init; }

    /// <summary>Reads the directive's value; throws <see cref="FormatException"/> for an unknown option or a bad boolean.</summary>
    public static LintConfiguration Parse(string? text)
    {
        var configuration = new LintConfiguration();
        if (string.IsNullOrWhiteSpace(text))
        {
            return configuration;
        }

        // At most three options; anything after a third ';' belongs to the third, as BuildKit splits.
        foreach (var option in text.Trim().Split(';', 3))
        {
            var equals = option.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                throw new FormatException($"invalid check option \"{option}\"");
            }

            var key = option[..equals].Trim();
            var value = option[(equals + 1)..].Trim();
            configuration = key switch
            {
                "skip" when value == "all" => configuration with { SkipAll = true },
                "skip" => configuration with { Skipped = Names(value) },
                "experimental" when value == "all" => configuration with { ExperimentalAll = true },
                "experimental" => configuration with { Experimental = Names(value) },
                "error" => configuration with { ErrorOnViolation = ParseBool(option, value) },
                _ => throw new FormatException($"invalid check option \"{key}\""),
            };
        }

        return configuration;
    }

    /// <summary>This configuration with <paramref name="other"/>'s skips and experiments added (a comment above an instruction).</summary>
    public LintConfiguration Merge(LintConfiguration other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return this with
        {
            SkipAll = SkipAll || other.SkipAll,
            Skipped = Skipped.Union(other.Skipped, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal),
            ExperimentalAll = ExperimentalAll || other.ExperimentalAll,
            Experimental = Experimental.Union(other.Experimental, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal),
        };
    }

    /// <summary>True when <paramref name="rule"/> should report under this configuration.</summary>
    public bool Runs(ILintRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.IsExperimental
            ? ExperimentalAll || Experimental.Contains(rule.Name)
            : !SkipAll && !Skipped.Contains(rule.Name);
    }

    private static HashSet<string> Names(string value) =>
        value.Split(',').Select(static n => n.Trim()).Where(static n => n.Length > 0).ToHashSet(StringComparer.Ordinal);

    // Go's strconv.ParseBool spellings.
    private static bool ParseBool(string option, string value) => value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw new FormatException($"failed to parse check option \"{option}\": \"{value}\" is not a boolean"),
    };
}
