using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Hyper.Oci;

/// <summary>The platform an image runs on, e.g. <c>linux/arm64/v8</c>.</summary>
public sealed partial record Platform
{
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    [JsonPropertyName("os")]
    public required string OS { get; init; }

    [JsonPropertyName("os.version")]
    public string? OSVersion { get; init; }

    [JsonPropertyName("os.features")]
    public IReadOnlyList<string>? OSFeatures { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("features")]
    public IReadOnlyList<string>? Features { get; init; }

    public override string ToString() => Variant is null ? $"{OS}/{Architecture}" : $"{OS}/{Architecture}/{Variant}";

    /// <summary>
    /// This platform as containerd's <c>platforms.Normalize</c> writes it: lower case, aliases resolved (aarch64 is
    /// arm64, armhf arm/v7, …), a variant that is the default dropped (arm64/v8 is arm64) and arm's implied (arm is arm/v7).
    /// </summary>
    public Platform Normalize()
    {
        var (architecture, variant) = NormalizeArchitecture(Architecture, Variant ?? string.Empty);
        return this with { OS = NormalizeOS(OS), Architecture = architecture, Variant = NullIfEmpty(variant) };
    }

    /// <summary>
    /// Parses a platform as BuildKit and buildx do (containerd's <c>platforms.Parse</c>): <c>os/arch[/variant]</c>,
    /// or one word, a known OS (given this machine's architecture) or a known architecture (given this
    /// machine's OS). The OS may carry a version and features, <c>windows(10.0.17763+win32k)</c>. Names are
    /// normalized: aarch64 is arm64, x86_64 and x86-64 amd64, i386 386, armhf arm/v7, armel arm/v6, macos darwin.
    /// </summary>
    /// <exception cref="FormatException">The text is not a platform.</exception>
    public static Platform Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('*', StringComparison.Ordinal))
        {
            throw Invalid(text, "wildcards are not supported");
        }

        var parts = text.Split('/', 4);
        var os = OsPattern().Match(parts[0]);
        if (!os.Success)
        {
            throw Invalid(text, $"'{parts[0]}' is not an OS (letters, digits, '_' and '-', then optionally (version+feature…))");
        }

        if (parts.Skip(1).FirstOrDefault(static p => !ComponentPattern().IsMatch(p)) is { } bad)
        {
            throw Invalid(text, $"'{bad}' is not a platform component (letters, digits, '_', '.' and '-')");
        }

        var platform = new Platform
        {
            OS = NormalizeOS(os.Groups[1].Value),
            Architecture = string.Empty,
            OSVersion = os.Groups[2].Success && os.Groups[2].Value.Length > 0 ? DecodeOSOption(text, os.Groups[2].Value) : null,
            OSFeatures = os.Groups[3].Value.Length > 0 ? [.. os.Groups[3].Value[1..].Split('+').Select(f => DecodeOSOption(text, f))] : null,
        };
        switch (parts.Length)
        {
            case 1 when KnownOperatingSystems.Contains(platform.OS):
                return platform with { Architecture = Current.Architecture, Variant = Current.Architecture == "arm" && Current.Variant != "v7" ? Current.Variant : null };
            case 1:
                var (architecture, variant) = NormalizeArchitecture(parts[0], string.Empty);
                return KnownArchitectures.Contains(architecture)
                    ? platform with { OS = Current.OS, Architecture = architecture, Variant = architecture == "arm" && variant == "v7" ? null : NullIfEmpty(variant) }
                    : throw Invalid(text, "unknown operating system or architecture, e.g. linux/amd64, linux, arm64");
            case 2:
                (architecture, variant) = NormalizeArchitecture(parts[1], string.Empty);
                return platform with { Architecture = architecture, Variant = architecture == "arm" && variant == "v7" ? null : NullIfEmpty(variant) };
            case 3:
                (architecture, variant) = NormalizeArchitecture(parts[1], parts[2]);
                return platform with { Architecture = architecture, Variant = architecture == "arm64" && variant.Length == 0 ? "v8" : NullIfEmpty(variant) };
            default:
                throw Invalid(text, "expected os/arch or os/arch/variant, e.g. linux/amd64");
        }
    }

    // Go's list of operating systems and architectures (go/build/syslist.go), as containerd knows them.
    private static readonly HashSet<string> KnownOperatingSystems = new(
        ["aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "windows", "zos"],
        StringComparer.Ordinal);

    private static readonly HashSet<string> KnownArchitectures = new(
        ["386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "ppc64", "ppc64le", "loong64", "mips", "mipsle", "mips64", "mips64le",
            "mips64p32", "mips64p32le", "ppc", "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm"],
        StringComparer.Ordinal);

    private static string NormalizeOS(string os)
    {
        var lower = os.ToLowerInvariant();
        return lower == "macos" ? "darwin" : lower;
    }

    private static (string Architecture, string Variant) NormalizeArchitecture(string architecture, string variant)
    {
        architecture = architecture.ToLowerInvariant();
        variant = variant.ToLowerInvariant();
        return architecture switch
        {
            "i386" => ("386", string.Empty),
            "x86_64" or "x86-64" or "amd64" => ("amd64", variant == "v1" ? string.Empty : variant),
            "aarch64" or "arm64" => ("arm64", variant is "8" or "v8" ? string.Empty : variant),
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
    }

    private static string DecodeOSOption(string text, string value)
    {
        try
        {
            return value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : value;
        }
        catch (UriFormatException)
        {
            throw Invalid(text, $"'{value}' is not a valid OS version or feature");
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static FormatException Invalid(string text, string reason) => new($"invalid platform '{text}': {reason}");

    [GeneratedRegex(@"^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?$", RegexOptions.CultureInvariant)]
    private static partial Regex OsPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ComponentPattern();

    /// <summary>The platform of the running process, with the Go architecture names images use.</summary>
    public static Platform Current { get; } = new()
    {
        OS = "linux",
        Architecture = RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "amd64",
            System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
            System.Runtime.InteropServices.Architecture.Arm => "arm",
            System.Runtime.InteropServices.Architecture.X86 => "386",
            System.Runtime.InteropServices.Architecture.S390x => "s390x",
            System.Runtime.InteropServices.Architecture.Ppc64le => "ppc64le",
            System.Runtime.InteropServices.Architecture.RiscV64 => "riscv64",
            var other => other.ToString().ToLowerInvariant(),
        },
        Variant = RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm ? "v7" : null,
    };
}
