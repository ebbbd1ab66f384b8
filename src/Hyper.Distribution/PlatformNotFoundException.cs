using Hyper.Oci;

namespace Hyper.Distribution;

/// <summary>An index has no image for the platform asked for; the message lists the platforms it has.</summary>
public sealed class PlatformNotFoundException : Exception
{
    public PlatformNotFoundException(Reference reference, Platform wanted, IReadOnlyList<Platform> available)
        : this(reference?.ToString() ?? throw new ArgumentNullException(nameof(reference)), wanted, available)
    {
    }

    /// <summary>For an index that is not in a registry: <paramref name="source"/> names where it is (<c>oci:dir:tag</c>).</summary>
    public PlatformNotFoundException(string source, Platform wanted, IReadOnlyList<Platform> available)
        : base(available.Count == 0
            ? $"{source} has no image for {wanted}: its index names no platforms"
            : $"{source} has no image for {wanted}; available: {string.Join(", ", available)}")
    {
        Wanted = wanted;
        Available = available;
    }

    public Platform Wanted { get; }

    /// <summary>The platforms the index lists images for, in its order.</summary>
    public IReadOnlyList<Platform> Available { get; }
}
