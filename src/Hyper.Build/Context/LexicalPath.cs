namespace Hyper.Build.Context;

/// <summary>Slash-separated paths cleaned by rules alone, never touching the disk (Go's path.Clean).</summary>
internal static class LexicalPath
{
    /// <summary>
    /// Drops empty and "." elements and resolves ".." against the element before it; ".." at the
    /// top of a rooted path is dropped, of a relative one kept. Empty results are "." or "/".
    /// </summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        var rooted = path[0] == '/';
        var kept = new List<string>();
        foreach (var element in path.Split('/'))
        {
            if (element.Length == 0 || element == ".")
            {
                continue;
            }

            if (element == "..")
            {
                if (kept.Count > 0 && kept[^1] != "..")
                {
                    kept.RemoveAt(kept.Count - 1);
                }
                else if (!rooted)
                {
                    kept.Add(element);
                }

                continue;
            }

            kept.Add(element);
        }

        var joined = string.Join('/', kept);
        if (rooted)
        {
            return "/" + joined;
        }

        return joined.Length == 0 ? "." : joined;
    }

    /// <summary>
    /// A path relative to a context root: cleaned, without a leading slash, empty for the root.
    /// </summary>
    /// <exception cref="ArgumentException">The path climbs above the root.</exception>
    public static string RelativeToRoot(string path)
    {
        var cleaned = Clean(path).TrimStart('/');
        if (cleaned == ".")
        {
            return string.Empty;
        }

        if (cleaned == ".." || cleaned.StartsWith("../", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{path} is outside the build context", nameof(path));
        }

        return cleaned;
    }
}
