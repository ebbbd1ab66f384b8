namespace Hyper.Build.Files;

/// <summary>Where COPY and ADD read files from: the build context, or a stage's or image's root filesystem.</summary>
public interface IFileSource
{
    /// <summary>Whether copied files keep their owner (a root filesystem) or become 0:0 (the build context).</summary>
    bool PreservesOwnership { get; }

    /// <summary>
    /// The entry at <paramref name="path"/> (relative to the root; <c>..</c> stops at the root), links
    /// in the path followed inside the root, the last one only with <paramref name="followLinks"/>;
    /// null when it is missing or left out (.dockerignore).
    /// </summary>
    SourceEntry? GetEntry(string path, bool followLinks);

    /// <summary>Everything below the directory <paramref name="path"/> (a path <see cref="GetEntry"/> returned), depth first in name order, parents before children.</summary>
    IEnumerable<SourceEntry> EnumerateTree(string path);
}
