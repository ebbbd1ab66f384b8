using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Hyper.Oci;

/// <summary>
/// A content identifier, <c>algorithm:encoded</c>, as the image-spec defines it. Only the registered
/// algorithms are accepted: <c>sha256</c> (64 lowercase hex digits) and <c>sha512</c> (128).
/// </summary>
[JsonConverter(typeof(DigestJsonConverter))]
public readonly record struct Digest : ISpanParsable<Digest>
{
    public const string Sha256 = "sha256";
    public const string Sha512 = "sha512";

    private Digest(string algorithm, string encoded)
    {
        Algorithm = algorithm;
        Encoded = encoded;
    }

    /// <summary>The algorithm part, <c>sha256</c> or <c>sha512</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The lowercase hex part after the colon.</summary>
    public string Encoded { get; }

    /// <summary>True for <c>default(Digest)</c>, which names no content.</summary>
    public bool IsEmpty => Algorithm is null;

    public override string ToString() => IsEmpty ? string.Empty : $"{Algorithm}:{Encoded}";

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static Digest Parse(string text) => Parse(text.AsSpan(), provider: null);

    public static Digest Parse(string s, IFormatProvider? provider) => Parse(s.AsSpan(), provider);

    public static Digest Parse(ReadOnlySpan<char> s, IFormatProvider? provider) =>
        TryParse(s, out var digest, out var error) ? digest : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? s, out Digest result) =>
        TryParse(s.AsSpan(), out result, out _);

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out Digest result) =>
        TryParse(s.AsSpan(), out result, out _);

    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out Digest result) =>
        TryParse(s, out result, out _);

    /// <summary>Parses <paramref name="s"/>, giving a message fit for a user when it is not a digest.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out Digest result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        var colon = s.IndexOf(':');
        if (colon <= 0)
        {
            error = $"invalid digest '{s}': expected '<algorithm>:<hex>', e.g. 'sha256:' followed by 64 lowercase hex digits";
            return false;
        }

        var algorithm = s[..colon];
        var encoded = s[(colon + 1)..];
        var expectedLength = algorithm switch
        {
            Sha256 => 64,
            Sha512 => 128,
            _ => 0,
        };
        if (expectedLength == 0)
        {
            error = $"unsupported digest algorithm '{algorithm}' in '{s}': only sha256 and sha512 are accepted";
            return false;
        }

        if (encoded.Length != expectedLength)
        {
            error = $"invalid {algorithm} digest '{s}': expected {expectedLength} hex digits, found {encoded.Length}";
            return false;
        }

        foreach (var c in encoded)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                error = $"invalid {algorithm} digest '{s}': '{c}' is not a lowercase hex digit";
                return false;
            }
        }

        result = new Digest(expectedLength == 64 ? Sha256 : Sha512, encoded.ToString());
        error = null;
        return true;
    }

    internal static Digest FromHash(string algorithm, ReadOnlySpan<byte> hash) =>
        new(algorithm, Convert.ToHexStringLower(hash));

    /// <summary>True when <paramref name="algorithm"/> is one this type can compute.</summary>
    public static bool IsSupportedAlgorithm(string? algorithm) => algorithm is Sha256 or Sha512;

    /// <summary>The digest of <paramref name="content"/>.</summary>
    public static Digest Compute(ReadOnlySpan<byte> content, string algorithm = Sha256)
    {
        using var hasher = new DigestHasher(algorithm);
        hasher.Append(content);
        return hasher.GetDigest();
    }

    /// <summary>The digest of everything left in <paramref name="content"/>, read in small pieces.</summary>
    public static async Task<Digest> ComputeAsync(Stream content, string algorithm = Sha256, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var hasher = new DigestHasher(algorithm);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(DigestHasher.CopyBufferSize);
        try
        {
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return hasher.GetDigest();
    }

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> while hashing it, and throws
    /// <see cref="DigestMismatchException"/> when the bytes do not match <paramref name="expected"/>
    /// (and <paramref name="expectedSize"/>, when given). Returns the number of bytes copied.
    /// </summary>
    /// <remarks>The destination has received the bytes by the time of the throw: write to a temporary
    /// place and move it into view only after this returns.</remarks>
    public static async Task<long> CopyAndVerifyAsync(
        Stream source, Stream destination, Digest expected, long? expectedSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);

        // A source that verifies the same digest throws at its end already; hashing again would only cost
        // time (every pulled blob went through SHA-256 twice: the registry stream's and the layout's).
        var sourceVerifies = source is VerifyingReadStream verifying && verifying.Checks(expected);
        using var hasher = new DigestHasher(expected.Algorithm);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(DigestHasher.CopyBufferSize);
        long total = 0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (expectedSize is { } limit && total > limit)
                {
                    throw new DigestMismatchException(expected, null, $"content of {expected} is longer than the expected {limit} bytes");
                }

                if (!sourceVerifies)
                {
                    hasher.Append(buffer.AsSpan(0, read));
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        if (expectedSize is { } size && total != size)
        {
            throw new DigestMismatchException(expected, null, $"content of {expected} is {total} bytes, expected {size}");
        }

        if (!sourceVerifies && hasher.GetDigest() is var actual && actual != expected)
        {
            throw new DigestMismatchException(expected, actual);
        }

        return total;
    }
}
