namespace Hyper.Oci.Tests;

public sealed class PlatformTests
{
    [Theory]
    [InlineData("linux/amd64", "linux", "amd64", null)]
    [InlineData("linux/arm64/v8", "linux", "arm64", "v8")]
    [InlineData("Linux/ARM/v7", "linux", "arm", "v7")]
    public void Platform_strings_parse_as_docker_reads_them(string text, string os, string architecture, string? variant)
    {
        var platform = Platform.Parse(text);

        Assert.Equal(os, platform.OS);
        Assert.Equal(architecture, platform.Architecture);
        Assert.Equal(variant, platform.Variant);
    }

    [Theory]
    [InlineData("linux")]
    [InlineData("linux/")]
    [InlineData("linux/amd64/v1/extra")]
    [InlineData("")]
    public void Malformed_platform_strings_are_rejected(string text)
    {
        var error = Assert.Throws<FormatException>(() => Platform.Parse(text));

        Assert.Contains("expected os/arch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Current_platform_uses_go_architecture_names()
    {
        Assert.Equal("linux", Platform.Current.OS);
        Assert.Contains(Platform.Current.Architecture, new[] { "amd64", "arm64", "arm", "386", "s390x", "ppc64le", "riscv64" });
    }
}
