using Hyper.Oci;

namespace Hyper.Distribution;

/// <summary>
/// Chooses the entry of an index that runs on a platform, comparing os, architecture and variant
/// after the normalisation containerd applies: <c>aarch64</c> is <c>arm64</c>, arm64 without a variant is
/// <c>v8</c>, arm without one is <c>v7</c>, <c>x86_64</c> is <c>amd64</c>, and so on.
/// </summary>
public static class PlatformMatcher
{
    /// <summary>True when an image for <paramref name="candidate"/> is what <paramref name="wanted"/> asks for.</summary>
    public static bool Matches(Platform wanted, Platform? candidate)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        if (candidate is null)
        {
            return false;
        }

        var (os, architecture, variant) = Normalize(wanted);
        var (candidateOs, candidateArchitecture, candidateVariant) = Normalize(candidate);
        return os == candidateOs && architecture == candidateArchitecture && variant == candidateVariant;
    }

    /// <summary>The first of <paramref name="manifests"/> (index order, as the spec asks) whose platform matches, or null.</summary>
    public static Descriptor? Choose(IEnumerable<Descriptor> manifests, Platform wanted)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        return manifests.FirstOrDefault(d => MediaTypes.IsImageManifest(d.MediaType) && Matches(wanted, d.Platform));
    }

    /// <summary>
    /// The platform as containerd's matcher compares it: normalized (<see cref="Platform.Normalize"/>), and arm64 with
    /// its implied variant v8, so that arm64, arm64/v8 and aarch64 are one platform.
    /// </summary>
    public static (string OS, string Architecture, string Variant) Normalize(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var normal = platform.Normalize();
        var variant = normal.Variant ?? string.Empty;
        return (normal.OS, normal.Architecture, normal.Architecture == "arm64" && variant is "" or "v8.0" ? "v8" : variant);
    }
}
