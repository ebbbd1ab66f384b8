using Hyper.Build.Dockerfile.Parsing;

namespace Hyper.Build.Dockerfile;

/// <summary>
/// The "did you mean" used in messages: the closest option within an edit distance of two, as BuildKit
/// suggests, so a typo in a flag, stage or variable name points at the intended one.
/// </summary>
public static class Suggestion
{
    private const int MaximumDistance = 2;

    /// <summary>The closest option, or null when none is close or <paramref name="value"/> is itself an option.</summary>
    public static string? Find(string value, IEnumerable<string> options, bool caseSensitive = true)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        var comparison = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        string? best = null;
        var bestDistance = MaximumDistance + 1;

        // Sorted so the same input always gives the same suggestion, whatever order the caller had.
        foreach (var option in options.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (string.Equals(value, option, comparison))
            {
                return null;
            }

            var distance = caseSensitive
                ? EditDistance.Between(value, option)
                : EditDistance.Between(value.ToLowerInvariant(), option.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = caseSensitive ? option : MatchCase(option, value);
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary><paramref name="message"/> with " (did you mean X?)" when an option is close to <paramref name="value"/>.</summary>
    public static string Append(string message, string value, IEnumerable<string> options, bool caseSensitive = true)
    {
        var match = Find(value, options, caseSensitive);
        return match is null ? message : $"{message} (did you mean {match}?)";
    }

    private static string MatchCase(string option, string written)
    {
        if (written == written.ToLowerInvariant())
        {
            return option.ToLowerInvariant();
        }

        return written == written.ToUpperInvariant() ? option.ToUpperInvariant() : option;
    }
}
