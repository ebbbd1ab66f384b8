namespace Hyper.Oci.Tests;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("24h", 24 * 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    [InlineData("1.5h", 5400)]
    [InlineData("0", 0)]
    public void Go_durations_are_understood(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), GoDuration.Parse(text));
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    public void Go_durations_with_small_units_are_understood(string text, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("10")]
    [InlineData("10d")]
    public void Malformed_durations_are_refused(string text)
    {
        Assert.Throws<FormatException>(() => GoDuration.Parse(text));
    }
}
