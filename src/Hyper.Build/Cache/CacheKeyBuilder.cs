using System.Buffers.Binary;
using System.Text;

using Hyper.Oci;

namespace Hyper.Build.Cache;

/// <summary>
/// Builds a cache key: a SHA-256 digest over named fields. Each field is written as its name, its length
/// and its bytes, so no two different field lists give the same bytes ("ab"+"c" is not "a"+"bc").
/// </summary>
public sealed class CacheKeyBuilder : IDisposable
{
    private readonly DigestHasher _hasher = new();

    /// <summary>Starts a key of the kind <paramref name="kind"/> (e.g. <c>step</c>, <c>base</c>), so keys of different kinds never meet.</summary>
    public CacheKeyBuilder(string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        Add("kind", kind);
    }

    public CacheKeyBuilder Add(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        WriteField(name);

        // Null and empty differ: a field that is absent is not a field that is empty.
        WriteField(value is null ? "\0null" : value);
        return this;
    }

    public CacheKeyBuilder Add(string name, Digest? value) => Add(name, value?.ToString());

    public CacheKeyBuilder Add(string name, bool value) => Add(name, value ? "true" : "false");

    public CacheKeyBuilder Add(string name, long? value) => Add(name, value?.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Adds a list: its length, then each element in order.</summary>
    public CacheKeyBuilder Add(string name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            return Add(name, (string?)null);
        }

        var list = values as IReadOnlyCollection<string> ?? [.. values];
        Add(name, (long)list.Count);
        foreach (var value in list)
        {
            Add(name, value);
        }

        return this;
    }

    /// <summary>Adds a map in key order, so the order it was built in does not matter.</summary>
    public CacheKeyBuilder Add(string name, IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var pairs = values.OrderBy(static p => p.Key, StringComparer.Ordinal).ToList();
        Add(name, (long)pairs.Count);
        foreach (var (key, value) in pairs)
        {
            Add(name + ".key", key);
            Add(name + ".value", value);
        }

        return this;
    }

    public Digest Build() => _hasher.GetDigest();

    public void Dispose() => _hasher.Dispose();

    private void WriteField(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(length, bytes.Length);
        _hasher.Append(length);
        _hasher.Append(bytes);
    }
}
