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

    /// <summary>Lower-case os and architecture with aliases resolved, and the variant implied when none is given.</summary>
    public static (string OS, string Architecture, string Variant) Normalize(Platform platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        var os = platform.OS.ToLowerInvariant();
        var architecture = platform.Architecture.ToLowerInvariant();
        var variant = platform.Variant?.ToLowerInvariant() ?? string.Empty;
        (architecture, variant) = architecture switch
        {
            "i386" => ("386", string.Empty),
            "x86_64" or "x86-64" or "amd64" => ("amd64", variant == "v1" ? string.Empty : variant),
            "aarch64" or "arm64" => ("arm64", variant is "" or "8" or "v8" or "v8.0" ? "v8" : variant),
            "armhf" => ("arm", "v7"),
            "armel" => ("arm", "v6"),
            "arm" => ("arm", variant switch
            {
                "" or "7" => "v7",
                "5" or "6" or "8" => "v" + variant,
                _ => variant,
            }),
            _ => (architecture, variant),
        };
        return (os == "macos" ? "darwin" : os, architecture, variant);
    }
}
