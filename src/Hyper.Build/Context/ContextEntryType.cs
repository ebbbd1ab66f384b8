namespace Hyper.Build.Context;

/// <summary>What a context entry is. Sockets, pipes and devices are not part of a build context.</summary>
public enum ContextEntryType
{
    File,
    Directory,
    SymbolicLink,
}
