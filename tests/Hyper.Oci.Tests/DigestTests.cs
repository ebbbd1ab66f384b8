using System.Security.Cryptography;
using System.Text;

namespace Hyper.Oci.Tests;

public sealed class DigestTests
{
    private const string HelloSha256 = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    [Theory]
    [InlineData(HelloSha256)]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")]
    public void Valid_digests_parse_and_print_back_unchanged(string text)
    {
        var digest = Digest.Parse(text);

        Assert.Equal(text, digest.ToString());
        Assert.Equal(text.Split(':')[0], digest.Algorithm);
        Assert.Equal(text.Split(':')[1], digest.Encoded);
    }

    [Theory]
    [InlineData("", "expected '<algorithm>:<hex>'")]
    [InlineData("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "expected '<algorithm>:<hex>'")]
    [InlineData(":2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "expected '<algorithm>:<hex>'")]
    [InlineData("sha256:", "expected 64 hex digits, found 0")]
    [InlineData("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982", "expected 64 hex digits, found 63")]
    [InlineData("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b98244", "expected 64 hex digits, found 65")]
    [InlineData("sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824", "'C' is not a lowercase hex digit")]
    [InlineData("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982g", "'g' is not a lowercase hex digit")]
    [InlineData("sha512:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "expected 128 hex digits, found 64")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e", "only sha256 and sha512 are accepted")]
    [InlineData("SHA256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "only sha256 and sha512 are accepted")]
    [InlineData("sha256+b64:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", "only sha256 and sha512 are accepted")]
    [InlineData("sha256:../../../../etc/passwd", "expected 64 hex digits")]
    [InlineData(" sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "only sha256 and sha512 are accepted")]
    public void Invalid_digests_are_rejected_with_a_message_that_says_why(string text, string expectedMessage)
    {
        var error = Assert.Throws<FormatException>(() => Digest.Parse(text));

        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
        Assert.False(Digest.TryParse(text, out _));
    }

    [Fact]
    public void Digest_of_bytes_is_the_sha256_of_those_bytes()
    {
        Assert.Equal(HelloSha256, Digest.Compute("hello"u8).ToString());
    }

    [Fact]
    public void Sha512_digests_are_computed_when_asked_for()
    {
        var expected = "sha512:" + Convert.ToHexStringLower(SHA512.HashData("hello"u8));

        Assert.Equal(expected, Digest.Compute("hello"u8, Digest.Sha512).ToString());
    }

    [Fact]
    public async Task Digest_of_a_stream_matches_digest_of_its_bytes_across_many_reads()
    {
        var content = new byte[1_000_003];
        new Random(7).NextBytes(content);
        await using var stream = new TrickleStream(content, maxRead: 4093);

        var digest = await Digest.ComputeAsync(stream);

        Assert.Equal(Digest.Compute(content), digest);
    }

    [Fact]
    public async Task Copy_and_verify_copies_content_with_the_right_digest()
    {
        var content = Encoding.UTF8.GetBytes(new string('x', 200_000));
        using var destination = new MemoryStream();

        var copied = await Digest.CopyAndVerifyAsync(new MemoryStream(content), destination, Digest.Compute(content), content.Length);

        Assert.Equal(content.Length, copied);
        Assert.Equal(content, destination.ToArray());
    }

    [Fact]
    public async Task Copy_and_verify_rejects_content_with_another_digest()
    {
        var expected = Digest.Compute("hello"u8);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(
            () => Digest.CopyAndVerifyAsync(new MemoryStream("hellO"u8.ToArray()), Stream.Null, expected));

        Assert.Equal(expected, error.Expected);
        Assert.Equal(Digest.Compute("hellO"u8), error.Actual);
        Assert.Contains(expected.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_and_verify_rejects_truncated_content()
    {
        var error = await Assert.ThrowsAsync<DigestMismatchException>(
            () => Digest.CopyAndVerifyAsync(new MemoryStream("hell"u8.ToArray()), Stream.Null, Digest.Compute("hello"u8), expectedSize: 5));

        Assert.Contains("is 4 bytes, expected 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_and_verify_stops_as_soon_as_content_exceeds_the_expected_size()
    {
        var endless = new TrickleStream(new byte[10_000_000], maxRead: 1000);
        using var destination = new MemoryStream();

        await Assert.ThrowsAsync<DigestMismatchException>(
            () => Digest.CopyAndVerifyAsync(endless, destination, Digest.Compute("hello"u8), expectedSize: 5));

        Assert.True(destination.Length <= 5, $"wrote {destination.Length} bytes past the limit");
    }

    [Fact]
    public void Hasher_reports_the_digest_so_far_and_keeps_going()
    {
        using var hasher = new DigestHasher();
        hasher.Append("hel"u8);
        var partial = hasher.GetDigest();
        hasher.Append("lo"u8);

        Assert.Equal(Digest.Compute("hel"u8), partial);
        Assert.Equal(HelloSha256, hasher.GetDigest().ToString());
        Assert.Equal(5, hasher.Length);
    }

    [Fact]
    public void Digests_are_equal_by_value_and_usable_as_keys()
    {
        var set = new HashSet<Digest> { Digest.Parse(HelloSha256) };

        Assert.Contains(Digest.Parse(HelloSha256), set);
        Assert.True(default(Digest).IsEmpty);
        Assert.Equal(string.Empty, default(Digest).ToString());
    }

    [Fact]
    public void Digest_serializes_as_a_json_string_and_invalid_strings_fail_to_deserialize()
    {
        var json = OciJson.Serialize(Digest.Parse(HelloSha256));

        Assert.Equal($"\"{HelloSha256}\"", Encoding.UTF8.GetString(json));
        Assert.Throws<InvalidOciDocumentException>(() => OciJson.Deserialize<Digest>("\"sha256:abc\""u8, "digest"));
    }

    /// <summary>Returns at most <c>maxRead</c> bytes per read, as a network stream would.</summary>
    private sealed class TrickleStream(byte[] content, int maxRead) : MemoryStream(content)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, maxRead));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, maxRead)], cancellationToken);
    }
}
