namespace Hyper.Oci.Layout;

/// <summary>
/// Entry names inside an archive, checked before anything is done with them: relative, no
/// <c>..</c>, no NUL, so that no name can point outside the directory it is read into.
/// </summary>
internal static class ArchivePath
{
    /// <summary>
    /// The name with <c>./</c>, empty segments and trailing slashes removed, e.g. <c>./blobs//x/</c>
    /// becomes <c>blobs/x</c>; the archive root is the empty string. Throws
    /// <see cref="InvalidOciDocumentException"/> for absolute names and names with <c>..</c>.
    /// </summary>
    public static string Normalize(string name, string archive)
    {
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidOciDocumentException($"{archive} has an entry name with a NUL character: the archive is corrupt");
        }

        if (name.StartsWith('/') || name.StartsWith('\\') || (name.Length >= 2 && name[1] == ':'))
        {
            throw new InvalidOciDocumentException($"{archive} has an entry with an absolute path, '{name}': refusing to read it, since it could write outside the destination");
        }

        var segments = new List<string>();
        foreach (var segment in name.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }

            if (segment == ".." || segment.Contains('\\', StringComparison.Ordinal))
            {
                throw new InvalidOciDocumentException($"{archive} has an entry that climbs out of the archive, '{name}': refusing to read it, since it could write outside the destination");
            }

            segments.Add(segment);
        }

        return string.Join('/', segments);
    }

    /// <summary>
    /// Where the link <paramref name="target"/> of the entry <paramref name="entryName"/> points, as a
    /// normalized name in the same archive. Symbolic links are relative to the entry's directory,
    /// hard links to the archive root; neither may leave the archive.
    /// </summary>
    public static string ResolveLink(string entryName, string target, bool isSymbolic, string archive)
    {
        if (target.StartsWith('/'))
        {
            throw new InvalidOciDocumentException($"{archive}: link '{entryName}' points at the absolute path '{target}', outside the archive");
        }

        var segments = new List<string>();
        if (isSymbolic)
        {
            segments.AddRange(entryName.Split('/')[..^1]);
        }

        foreach (var segment in target.Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    break;
                case "..":
                    if (segments.Count == 0)
                    {
                        throw new InvalidOciDocumentException($"{archive}: link '{entryName}' points at '{target}', outside the archive");
                    }

                    segments.RemoveAt(segments.Count - 1);
                    break;
                default:
                    segments.Add(segment);
                    break;
            }
        }

        return string.Join('/', segments);
    }
}
