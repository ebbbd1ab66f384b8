namespace Hyper.Oci.Tests;

public sealed class DigestTests
{
    [Theory]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256")]
    [InlineData("sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e", "sha512")]
    public void A_parsed_digest_keeps_the_algorithm_it_was_written_with(string text, string algorithm)
    {
        var digest = Digest.Parse(text);

        Assert.Equal(algorithm, digest.Algorithm);
        Assert.Equal(text, digest.ToString());
    }

    [Fact]
    public void A_parsed_digest_equals_the_computed_one()
    {
        var computed = Digest.Compute(""u8);

        Assert.Equal(computed, Digest.Parse(computed.ToString()));
    }
}
