using System.Security.Cryptography;

namespace Hyper.Oci;

/// <summary>Computes a <see cref="Digest"/> over bytes given piece by piece.</summary>
public sealed class DigestHasher : IDisposable
{
    /// <summary>Size of the buffers used when hashing streams: large enough that the per-call
    /// overhead disappears, small enough to stay out of the large-object heap.</summary>
    internal const int CopyBufferSize = 81920;

    private readonly IncrementalHash _hash;

    public DigestHasher(string algorithm = Digest.Sha256)
    {
        Algorithm = algorithm switch
        {
            Digest.Sha256 => Digest.Sha256,
            Digest.Sha512 => Digest.Sha512,
            _ => throw new ArgumentException($"unsupported digest algorithm '{algorithm}': only sha256 and sha512 are accepted", nameof(algorithm)),
        };
        _hash = IncrementalHash.CreateHash(Algorithm == Digest.Sha256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA512);
    }

    public string Algorithm { get; }

    /// <summary>Number of bytes appended so far.</summary>
    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        Length += data.Length;
    }

    /// <summary>The digest of the bytes appended so far; appending may continue afterwards.</summary>
    public Digest GetDigest()
    {
        Span<byte> hash = stackalloc byte[64];
        var written = _hash.GetCurrentHash(hash);
        return Digest.FromHash(Algorithm, hash[..written]);
    }

    public void Dispose() => _hash.Dispose();
}
