namespace Hyper.Oci.Tests;

/// <summary>Platform strings read as BuildKit and buildx read them (containerd's platforms.Parse).</summary>
public sealed class PlatformTests
{
    [Theory]
    [InlineData("linux/amd64", "linux", "amd64", null)]
    [InlineData("linux/arm64/v8", "linux", "arm64", "v8")]
    [InlineData("Linux/ARM/v7", "linux", "arm", "v7")]
    [InlineData("linux/arm", "linux", "arm", null)]
    [InlineData("linux/arm/7", "linux", "arm", "v7")]
    [InlineData("linux/arm/6", "linux", "arm", "v6")]
    [InlineData("linux/armhf", "linux", "arm", null)]
    [InlineData("linux/armel", "linux", "arm", "v6")]
    [InlineData("linux/aarch64", "linux", "arm64", null)]
    [InlineData("linux/arm64/8", "linux", "arm64", "v8")]
    [InlineData("linux/x86_64", "linux", "amd64", null)]
    [InlineData("linux/x86-64", "linux", "amd64", null)]
    [InlineData("linux/amd64/v1", "linux", "amd64", null)]
    [InlineData("linux/amd64/v3", "linux", "amd64", "v3")]
    [InlineData("linux/i386", "linux", "386", null)]
    [InlineData("macos/arm64", "darwin", "arm64", null)]
    [InlineData("freebsd/riscv64", "freebsd", "riscv64", null)]
    public void Platform_strings_parse_and_normalize_as_containerd_reads_them(string text, string os, string architecture, string? variant)
    {
        var platform = Platform.Parse(text);

        Assert.Equal((os, architecture, variant), (platform.OS, platform.Architecture, platform.Variant));
    }

    [Theory]
    [InlineData("arm64", "arm64", null)]
    [InlineData("aarch64", "arm64", null)]
    [InlineData("amd64", "amd64", null)]
    [InlineData("x86_64", "amd64", null)]
    [InlineData("x86-64", "amd64", null)]
    [InlineData("i386", "386", null)]
    [InlineData("armhf", "arm", null)]
    [InlineData("armel", "arm", "v6")]
    [InlineData("arm", "arm", null)]
    [InlineData("s390x", "s390x", null)]
    [InlineData("riscv64", "riscv64", null)]
    public void A_single_known_architecture_gets_this_machines_os(string text, string architecture, string? variant)
    {
        var platform = Platform.Parse(text);

        Assert.Equal((Platform.Current.OS, architecture, variant), (platform.OS, platform.Architecture, platform.Variant));
    }

    [Theory]
    [InlineData("linux", "linux")]
    [InlineData("Linux", "linux")]
    [InlineData("windows", "windows")]
    [InlineData("macos", "darwin")]
    public void A_single_known_os_gets_this_machines_architecture(string text, string os)
    {
        var platform = Platform.Parse(text);

        Assert.Equal((os, Platform.Current.Architecture), (platform.OS, platform.Architecture));
    }

    [Fact]
    public void An_os_may_carry_a_version_and_features()
    {
        var platform = Platform.Parse("windows(10.0.17763+win32k)/amd64");

        Assert.Equal(("windows", "10.0.17763", "amd64"), (platform.OS, platform.OSVersion, platform.Architecture));
        Assert.Equal(["win32k"], platform.OSFeatures!);
    }

    [Theory]
    [InlineData("linux/", "'' is not a platform component")]
    [InlineData("linux/amd64/v1/extra", "expected os/arch")]
    [InlineData("", "'' is not an OS")]
    [InlineData("bogus", "unknown operating system or architecture")]
    [InlineData("linux/*", "wildcards are not supported")]
    [InlineData("linux/am d64", "'am d64' is not a platform component")]
    public void Malformed_platform_strings_are_rejected(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => Platform.Parse(text));

        Assert.StartsWith($"invalid platform '{text}': ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Current_platform_uses_go_architecture_names()
    {
        Assert.Equal("linux", Platform.Current.OS);
        Assert.Contains(Platform.Current.Architecture, new[] { "amd64", "arm64", "arm", "386", "s390x", "ppc64le", "riscv64" });
    }
}
