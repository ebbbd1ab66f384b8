using Hyper.Build.Cache;
using Hyper.Oci;

namespace Hyper.Build.Tests.Cache;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileDigestCacheTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task A_file_gets_its_content_digest_and_a_saved_cache_gives_it_to_the_next_process()
    {
        var file = Write("a.txt", "hello");
        await Task.Delay(TimeSpan.FromSeconds(2.2)); // past the racy window: a file changed just now is not remembered
        var first = new FileDigestCache(_work.Combine("files.json"));
        var digest = await first.DigestAsync(file, CancellationToken.None);
        first.Save();

        var second = new FileDigestCache(_work.Combine("files.json"));
        Assert.Equal(Digest.Compute("hello"u8), digest);
        Assert.Equal(digest, await second.DigestAsync(file, CancellationToken.None));
        Assert.Contains(file, File.ReadAllText(_work.Combine("files.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_rewritten_with_the_same_size_and_its_old_mtime_put_back_is_hashed_again()
    {
        var file = Write("a.txt", "hello");
        var mtime = File.GetLastWriteTimeUtc(file);
        var cache = new FileDigestCache(_work.Combine("files.json"));
        await cache.DigestAsync(file, CancellationToken.None);

        await Task.Delay(20);
        File.WriteAllText(file, "HELLO");
        File.SetLastWriteTimeUtc(file, mtime);

        Assert.Equal(Digest.Compute("HELLO"u8), await cache.DigestAsync(file, CancellationToken.None));
    }

    [Fact]
    public async Task A_file_changed_within_the_last_two_seconds_is_hashed_but_not_remembered()
    {
        var file = Write("a.txt", "hello");
        var cache = new FileDigestCache(_work.Combine("files.json"));

        Assert.Equal(Digest.Compute("hello"u8), await cache.DigestAsync(file, CancellationToken.None));
        cache.Save();
        Assert.False(File.Exists(_work.Combine("files.json")) && File.ReadAllText(_work.Combine("files.json")).Contains(file, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_damaged_cache_file_only_means_hashing_again()
    {
        File.WriteAllText(_work.Combine("files.json"), "{ not json");
        var file = Write("a.txt", "hello");
        var cache = new FileDigestCache(_work.Combine("files.json"));

        Assert.Equal(Digest.Compute("hello"u8), await cache.DigestAsync(file, CancellationToken.None));
        cache.Save();
        Assert.Equal(Digest.Compute("hello"u8), await new FileDigestCache(_work.Combine("files.json")).DigestAsync(file, CancellationToken.None));
    }

    private string Write(string name, string content)
    {
        var path = _work.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }
}
