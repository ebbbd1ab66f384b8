using Hyper.Cli.Output;

namespace Hyper.Cli.Tests.Output;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("512", 512L)]
    [InlineData("10KB", 10L * 1024)]
    [InlineData("1.5 MiB", 3L * 512 * 1024)]
    [InlineData("5gb", 5L * 1024 * 1024 * 1024)]
    [InlineData("2T", 2L * 1024 * 1024 * 1024 * 1024)]
    public void Sizes_are_read_as_docker_reads_keep_storage(string text, long bytes)
    {
        Assert.Equal(bytes, ByteSize.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("GB")]
    [InlineData("10 parsecs")]
    public void Anything_else_is_a_format_error_that_shows_an_example(string text)
    {
        var error = Assert.Throws<FormatException>(() => ByteSize.Parse(text));
        Assert.Contains("10GB", error.Message, StringComparison.Ordinal);
    }
}
