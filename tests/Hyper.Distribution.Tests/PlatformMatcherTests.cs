namespace Hyper.Distribution.Tests;

public sealed class PlatformMatcherTests
{
    [Theory]
    [InlineData("linux/arm64", "linux/arm64/v8")]
    [InlineData("linux/arm64/v8", "linux/arm64")]
    [InlineData("linux/aarch64", "linux/arm64/v8")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("linux/armhf", "linux/arm/v7")]
    [InlineData("linux/x86_64", "linux/amd64")]
    [InlineData("linux/i386", "linux/386")]
    public void Aliases_and_default_variants_match(string wanted, string candidate)
    {
        Assert.True(PlatformMatcher.Matches(Platform.Parse(wanted), Platform.Parse(candidate)));
    }

    [Theory]
    [InlineData("linux/amd64", "linux/arm64")]
    [InlineData("linux/arm/v7", "linux/arm/v6")]
    [InlineData("linux/amd64", "windows/amd64")]
    [InlineData("linux/amd64", "linux/amd64/v3")]
    public void Different_platforms_do_not_match(string wanted, string candidate)
    {
        Assert.False(PlatformMatcher.Matches(Platform.Parse(wanted), Platform.Parse(candidate)));
    }

    [Fact]
    public void The_first_matching_image_of_an_index_is_chosen_and_attestations_are_not()
    {
        static Descriptor Entry(string text, string platform, string mediaType = MediaTypes.OciManifest) =>
            Descriptor.For(System.Text.Encoding.UTF8.GetBytes(text), mediaType) with { Platform = Platform.Parse(platform) };
        var attestation = Entry("attestation", "unknown/unknown");
        var first = Entry("first", "linux/amd64");
        var second = Entry("second", "linux/amd64");
        var nested = Entry("nested", "linux/arm64", MediaTypes.OciIndex);

        Assert.Same(first, PlatformMatcher.Choose([attestation, first, second], Platform.Parse("linux/amd64")));
        Assert.Null(PlatformMatcher.Choose([attestation, nested], Platform.Parse("linux/arm64")));
    }
}
