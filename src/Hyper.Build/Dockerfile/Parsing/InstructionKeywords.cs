namespace Hyper.Build.Dockerfile.Parsing;

/// <summary>The instructions BuildKit knows, each with the way its arguments are split.</summary>
internal static class InstructionKeywords
{
    // Alphabetical, so that a tie in the spelling suggestion always resolves the same way.
    private static readonly (string Keyword, ArgumentForm Form)[] Table =
    [
        ("add", ArgumentForm.MaybeJsonToList),
        ("arg", ArgumentForm.NameOrNameValue),
        ("cmd", ArgumentForm.MaybeJson),
        ("copy", ArgumentForm.MaybeJsonToList),
        ("entrypoint", ArgumentForm.MaybeJson),
        ("env", ArgumentForm.NameValue),
        ("expose", ArgumentForm.WhitespaceDelimited),
        ("from", ArgumentForm.WhitespaceDelimited),
        ("healthcheck", ArgumentForm.HealthCheck),
        ("label", ArgumentForm.NameValue),
        ("maintainer", ArgumentForm.Single),
        ("onbuild", ArgumentForm.SubInstruction),
        ("run", ArgumentForm.MaybeJson),
        ("shell", ArgumentForm.MaybeJson),
        ("stopsignal", ArgumentForm.Single),
        ("user", ArgumentForm.Single),
        ("volume", ArgumentForm.MaybeJsonToList),
        ("workdir", ArgumentForm.Single),
    ];

    /// <summary>The lower-case keyword and its argument form; unknown names come back lower-cased with <see cref="ArgumentForm.Ignored"/>.</summary>
    public static (string Keyword, ArgumentForm Form) Lookup(ReadOnlySpan<char> name)
    {
        foreach (var (keyword, form) in Table)
        {
            if (name.Equals(keyword, StringComparison.OrdinalIgnoreCase))
            {
                return (keyword, form);
            }
        }

        return (name.ToString().ToLowerInvariant(), ArgumentForm.Ignored);
    }

    /// <summary>
    /// The closest instruction within an edit distance of two, in the case the user wrote
    /// (all upper, all lower, otherwise lower), as BuildKit suggests it; null when nothing is close.
    /// </summary>
    /// <remarks>
    /// BuildKit picks among equally distant names in random (map) order; here a swap of two letters
    /// decides the tie (RNU is RUN, not ENV), then the table order.
    /// </remarks>
    public static string? Suggest(string name)
    {
        var lower = name.ToLowerInvariant();
        string? best = null;
        var bestDistance = 3;
        var bestWithSwaps = int.MaxValue;
        foreach (var (keyword, _) in Table)
        {
            var distance = EditDistance.Between(lower, keyword);
            if (distance > bestDistance || distance == 3)
            {
                continue;
            }

            var withSwaps = EditDistance.Between(lower, keyword, transpositions: true);
            if (distance < bestDistance || withSwaps < bestWithSwaps)
            {
                best = keyword;
                bestDistance = distance;
                bestWithSwaps = withSwaps;
            }
        }

        if (best is null)
        {
            return null;
        }

        return name == name.ToUpperInvariant() && name != lower ? best.ToUpperInvariant() : best;
    }

    /// <summary>All instruction names in upper case, for messages.</summary>
    public static string AllNames() => string.Join(", ", Table.Select(entry => entry.Keyword.ToUpperInvariant()));
}
