using Hyper.Build.Context;
using Hyper.Build.Files;
using Hyper.Oci;

namespace Hyper.Build.Tests.Files;

/// <summary>The content digest of what a COPY reads: the part of a step's cache key that comes from files.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileCopierDigestTests : IDisposable
{
    private readonly TempDirectory _work = new();
    private readonly string _context;

    public FileCopierDigestTests()
    {
        _context = Directory.CreateDirectory(_work.Combine("context")).FullName;
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\n");
        Write("src/a.txt", "a");
        Write("src/sub/b.txt", "b");
        Write("other.txt", "other");
    }

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task The_digest_ignores_modification_times()
    {
        var before = await DigestAsync("src");
        File.SetLastWriteTimeUtc(Path.Combine(_context, "src/sub/b.txt"), DateTime.UtcNow.AddDays(3));

        Assert.Equal(before, await DigestAsync("src"));
    }

    [Fact]
    public async Task The_digest_changes_with_content_mode_names_and_link_targets()
    {
        var original = await DigestAsync("src");

        Write("src/sub/b.txt", "B");
        var content = await DigestAsync("src");
        File.SetUnixFileMode(Path.Combine(_context, "src/sub/b.txt"), (UnixFileMode)0b111_101_101);
        var mode = await DigestAsync("src");
        File.Move(Path.Combine(_context, "src/sub/b.txt"), Path.Combine(_context, "src/sub/c.txt"));
        var name = await DigestAsync("src");
        File.CreateSymbolicLink(Path.Combine(_context, "src/link"), "a.txt");
        var link = await DigestAsync("src");
        File.Delete(Path.Combine(_context, "src/link"));
        File.CreateSymbolicLink(Path.Combine(_context, "src/link"), "sub/c.txt");
        var retargeted = await DigestAsync("src");

        Assert.Equal(6, new HashSet<Digest?> { original, content, mode, name, link, retargeted }.Count);
    }

    [Fact]
    public async Task Files_the_copy_does_not_read_do_not_change_the_digest()
    {
        var before = await DigestAsync("src");
        Write("other.txt", "changed");
        Write(".dockerignore", "src/sub/ignored.txt\n");
        var withIgnoreFile = await DigestAsync("src");
        Write("src/sub/ignored.txt", "left out by .dockerignore");

        Assert.Equal(withIgnoreFile, await DigestAsync("src"));
        Assert.Equal(before, withIgnoreFile);
    }

    [Fact]
    public async Task Wildcards_digest_what_they_match()
    {
        var before = await DigestAsync("src/*.txt");
        Write("src/sub/b.txt", "changed below the match level");
        var unchanged = await DigestAsync("src/*.txt");
        Write("src/new.txt", "matched");

        Assert.Equal(before, unchanged);
        Assert.NotEqual(before, await DigestAsync("src/*.txt"));
    }

    [Fact]
    public async Task An_add_of_a_url_is_uncacheable_unless_it_has_a_checksum()
    {
        using var context = BuildContext.FromDirectory(_context);
        var source = new ContextFileSource(context);

        var unknown = await FileCopier.DigestSourcesAsync(
            new CopyOperation { Sources = ["https://example.invalid/x.tar"], Destination = "/", IsAdd = true }, source, digests: null, CancellationToken.None);
        var pinned = await FileCopier.DigestSourcesAsync(
            new CopyOperation { Sources = ["https://example.invalid/x.tar"], Destination = "/", IsAdd = true, Checksum = "sha256:" + new string('0', 64) },
            source,
            digests: null,
            CancellationToken.None);

        Assert.Null(unknown);
        Assert.NotNull(pinned);
    }

    [Fact]
    public async Task A_missing_source_fails_as_the_copy_would()
    {
        await Assert.ThrowsAsync<FileCopyException>(() => DigestAsync("nothing-here"));
    }

    [Fact]
    public async Task Extended_attributes_are_part_of_the_digest()
    {
        var before = await DigestAsync("src");
        Assert.Equal(0, Hyper.Build.Execution.LibC.TrySetXattr(Path.Combine(_context, "src/a.txt"), "user.v", "one"u8.ToArray()));
        var one = await DigestAsync("src");
        Assert.Equal(0, Hyper.Build.Execution.LibC.TrySetXattr(Path.Combine(_context, "src/a.txt"), "user.v", "two"u8.ToArray()));

        Assert.Equal(3, new HashSet<Digest?> { before, one, await DigestAsync("src") }.Count);
    }

    [Fact]
    public async Task A_hard_link_between_copied_files_is_part_of_the_digest()
    {
        Write("src/sub/b.txt", "a");
        var copies = await DigestAsync("src");
        File.Delete(Path.Combine(_context, "src/sub/b.txt"));
        Hyper.Build.Execution.LibC.Link(Path.Combine(_context, "src/a.txt"), Path.Combine(_context, "src/sub/b.txt"));

        Assert.NotEqual(copies, await DigestAsync("src"));
    }

    [Fact]
    public async Task Files_left_out_by_exclude_do_not_change_the_digest()
    {
        Write("src/sub/x.log", "one");
        var before = await DigestAsync("src", excludes: ["**/*.log"]);
        Write("src/sub/x.log", "two");

        Assert.Equal(before, await DigestAsync("src", excludes: ["**/*.log"]));
        Assert.NotEqual(before, await DigestAsync("src"));
    }

    [Fact]
    public async Task A_path_digest_takes_the_name_literally_not_as_a_pattern()
    {
        Write("d[1]/x", "v1");
        using var context = BuildContext.FromDirectory(_context);
        var before = await FileCopier.DigestPathAsync(new ContextFileSource(context), "d[1]", digests: null, CancellationToken.None);
        Write("d[1]/x", "v2");
        var after = await FileCopier.DigestPathAsync(new ContextFileSource(context), "d[1]", digests: null, CancellationToken.None);

        Assert.NotNull(before);
        Assert.NotEqual(before, after);
        Assert.Null(await FileCopier.DigestPathAsync(new ContextFileSource(context), "missing", digests: null, CancellationToken.None));
    }

    private async Task<Digest?> DigestAsync(string source, IReadOnlyList<string>? excludes = null)
    {
        using var context = BuildContext.FromDirectory(_context);
        var operation = new CopyOperation { Sources = [source], Destination = "/dst/", Excludes = excludes ?? [] };
        return await FileCopier.DigestSourcesAsync(operation, new ContextFileSource(context), digests: null, CancellationToken.None);
    }

    private void Write(string path, string content)
    {
        var full = Path.Combine(_context, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }
}
