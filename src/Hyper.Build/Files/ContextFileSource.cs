using Hyper.Build.Context;

namespace Hyper.Build.Files;

/// <summary>The build context as a COPY source: .dockerignore applies, files become 0:0.</summary>
public sealed class ContextFileSource(BuildContext context) : IFileSource
{
    public bool PreservesOwnership => false;

    public SourceEntry? GetEntry(string path, bool followLinks) =>
        context.GetEntry(path, followLinks) is { } entry ? ToSource(entry) : null;

    public IEnumerable<SourceEntry> EnumerateTree(string path) => context.EnumerateEntries(path).Select(ToSource);

    private SourceEntry ToSource(ContextEntry entry) =>
        new(entry.Path, entry.Type, entry.Path.Length == 0 ? context.Root : Path.Combine(context.Root, entry.Path));
}
