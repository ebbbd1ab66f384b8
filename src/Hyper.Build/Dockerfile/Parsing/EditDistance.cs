namespace Hyper.Build.Dockerfile.Parsing;

/// <summary>Edit distances between short words (instruction names).</summary>
internal static class EditDistance
{
    /// <summary>
    /// Levenshtein distance (insert, delete, substitute each cost one); with
    /// <paramref name="transpositions"/>, swapping two neighbours also costs one (optimal string alignment).
    /// </summary>
    public static int Between(string a, string b, bool transpositions = false)
    {
        if (a.Length == 0)
        {
            return b.Length;
        }

        if (b.Length == 0)
        {
            return a.Length;
        }

        // Three rows: the one before the previous is needed for transpositions.
        var width = b.Length + 1;
        var rows = width * 3 <= 256 ? stackalloc int[width * 3] : new int[width * 3];
        var older = rows[..width];
        var previous = rows.Slice(width, width);
        var current = rows.Slice(width * 2, width);
        for (var j = 0; j < width; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var best = Math.Min(previous[j - 1] + cost, Math.Min(previous[j], current[j - 1]) + 1);
                if (transpositions && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    best = Math.Min(best, older[j - 2] + 1);
                }

                current[j] = best;
            }

            previous.CopyTo(older);
            current.CopyTo(previous);
        }

        return previous[b.Length];
    }
}
