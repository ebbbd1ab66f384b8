using System.Runtime.Versioning;
using System.Text;

using Hyper.Build.Context;

namespace Hyper.Build.Tests.Context;

/// <summary>Contexts that come as tarballs or on standard input, and the archives that must be refused.</summary>
[SupportedOSPlatform("linux")]
public sealed class BuildContextArchiveTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Tarball WithDockerfile() => new Tarball().File("Dockerfile", "FROM scratch\n");

    private static List<string> Paths(BuildContext context) => [.. context.EnumerateEntries().Select(e => e.Path)];

    private static string Read(BuildContext context, string path)
    {
        using var reader = new StreamReader(context.OpenFile(path));
        return reader.ReadToEnd();
    }

    [Fact]
    public async Task A_plain_tarball_is_unpacked_into_a_temporary_root_that_dispose_deletes()
    {
        var archive = WithDockerfile().Directory("src").File("src/app.cs", "class App {}").Plain();

        string root;
        using (var context = await BuildContext.FromTarballAsync(archive))
        {
            root = context.Root;
            Assert.Equal(["Dockerfile", "src", "src/app.cs"], Paths(context));
            Assert.Equal("class App {}", Read(context, "src/app.cs"));
            Assert.Equal(Path.Combine(root, "Dockerfile"), context.DockerfilePath);
        }

        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public async Task Gzip_and_zstd_tarballs_are_recognised_by_their_magic_numbers()
    {
        using var gzip = await BuildContext.FromTarballAsync(WithDockerfile().File("a", "gz").Gzip());
        using var zstd = await BuildContext.FromTarballAsync(WithDockerfile().File("a", "zst").Zstd());

        Assert.Equal("gz", Read(gzip, "a"));
        Assert.Equal("zst", Read(zstd, "a"));
    }

    [Fact]
    public async Task A_tarball_made_by_tar_with_dot_slash_names_works()
    {
        var source = _temp.Combine("source");
        Directory.CreateDirectory(Path.Combine(source, "deep/er"));
        await File.WriteAllTextAsync(Path.Combine(source, "Dockerfile"), "FROM scratch\n");
        await File.WriteAllTextAsync(Path.Combine(source, "deep/er", new string('n', 150) + ".txt"), "long name");
        var archivePath = _temp.Combine("context.tar.gz");
        await ExternalProcess.RunCheckedAsync("tar", "-C", source, "-czf", archivePath, ".");

        await using var archive = File.OpenRead(archivePath);
        using var context = await BuildContext.FromTarballAsync(archive);

        Assert.Equal("long name", Read(context, "deep/er/" + new string('n', 150) + ".txt"));
    }

    [Fact]
    public async Task Modes_and_modification_times_are_kept_and_read_only_directories_are_still_deleted()
    {
        var archive = WithDockerfile()
            .Directory("locked", (UnixFileMode)0b101_101_101)
            .File("locked/run.sh", "#!/bin/sh", (UnixFileMode)0b111_101_101)
            .Plain();

        string root;
        using (var context = await BuildContext.FromTarballAsync(archive))
        {
            root = context.Root;
            var script = context.GetEntry("locked/run.sh")!;
            Assert.Equal((UnixFileMode)0b111_101_101, script.Mode);
            Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), script.ModifiedTime);
            Assert.Equal((UnixFileMode)0b101_101_101, context.GetEntry("locked")!.Mode);
        }

        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public async Task The_Dockerfile_and_its_ignore_file_can_live_anywhere_inside_the_archive()
    {
        var archive = new Tarball()
            .File("build/app.Dockerfile", "FROM scratch\n")
            .File("build/app.Dockerfile.dockerignore", "*.log\n")
            .File(".dockerignore", "keep.txt\n")
            .File("debug.log", "noise")
            .File("keep.txt", "kept")
            .Plain();

        using var context = await BuildContext.FromTarballAsync(archive, "build/app.Dockerfile");

        Assert.Equal(Path.Combine(context.Root, "build/app.Dockerfile"), context.DockerfilePath);
        Assert.Null(context.GetEntry("debug.log"));
        Assert.Equal("kept", Read(context, "keep.txt"));
    }

    [Fact]
    public async Task A_tarball_without_the_Dockerfile_is_refused()
    {
        var error = await Assert.ThrowsAsync<BuildContextException>(() => BuildContext.FromTarballAsync(new Tarball().File("a", "b").Plain()));

        Assert.Contains("Dockerfile", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../{0}", "'..'")]
    [InlineData("ok/../../{0}", "'..'")]
    [InlineData("/tmp/{0}", "absolute")]
    public async Task Entries_outside_the_archive_root_are_refused_and_not_written(string pattern, string reason)
    {
        var name = $"hyper-escaped-{Guid.NewGuid():N}";
        var archive = WithDockerfile().File(string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, name), "pwned").Plain();

        var error = await Assert.ThrowsAsync<BuildContextException>(() => BuildContext.FromTarballAsync(archive));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), name)));
    }

    [Fact]
    public async Task An_entry_written_through_a_symbolic_link_is_refused_and_nothing_lands_outside()
    {
        var outside = _temp.Combine("outside");
        Directory.CreateDirectory(outside);
        var archive = WithDockerfile().SymbolicLink("door", outside).File("door/pwned", "pwned").Plain();

        var error = await Assert.ThrowsAsync<BuildContextException>(() => BuildContext.FromTarballAsync(archive));

        Assert.Contains("symbolic link", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(outside, "pwned")));
    }

    [Fact]
    public async Task A_directory_replaced_by_a_link_does_not_get_its_mode_applied_through_the_link()
    {
        var outside = _temp.Combine("outside");
        Directory.CreateDirectory(outside);
        var before = File.GetUnixFileMode(outside);
        var archive = WithDockerfile().Directory("d", (UnixFileMode)0b111_111_111).SymbolicLink("d", outside).Plain();

        using var context = await BuildContext.FromTarballAsync(archive);

        Assert.Equal(before, File.GetUnixFileMode(outside));
        Assert.Equal(ContextEntryType.SymbolicLink, context.GetEntry("d")!.Type);
    }

    [Fact]
    public async Task Absolute_link_targets_are_kept_but_resolve_inside_the_context()
    {
        var archive = WithDockerfile().File("etc/passwd", "inside").SymbolicLink("passwd", "/etc/passwd").Plain();

        using var context = await BuildContext.FromTarballAsync(archive);

        Assert.Equal("/etc/passwd", context.GetEntry("passwd")!.LinkTarget);
        Assert.Equal("inside", Read(context, "passwd"));
    }

    [Fact]
    public async Task A_hard_link_to_an_earlier_file_becomes_a_copy_of_it()
    {
        var archive = WithDockerfile().File("original", "same").HardLink("copy", "original").Plain();

        using var context = await BuildContext.FromTarballAsync(archive);

        Assert.Equal("same", Read(context, "copy"));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../outside")]
    [InlineData("not-there")]
    public async Task A_hard_link_to_anything_but_an_earlier_file_in_the_archive_is_refused(string target)
    {
        var archive = WithDockerfile().HardLink("stolen", target).Plain();

        await Assert.ThrowsAsync<BuildContextException>(() => BuildContext.FromTarballAsync(archive));
    }

    [Fact]
    public async Task A_hard_link_through_a_symbolic_link_is_refused()
    {
        var outside = _temp.Combine("outside");
        Directory.CreateDirectory(outside);
        await File.WriteAllTextAsync(Path.Combine(outside, "secret"), "host secret");
        var archive = WithDockerfile().SymbolicLink("door", outside).HardLink("stolen", "door/secret").Plain();

        await Assert.ThrowsAsync<BuildContextException>(() => BuildContext.FromTarballAsync(archive));
    }

    [Fact]
    public async Task Pipes_in_an_archive_are_skipped()
    {
        using var context = await BuildContext.FromTarballAsync(WithDockerfile().Fifo("pipe").Plain());

        Assert.Equal(["Dockerfile"], Paths(context));
    }

    [Fact]
    public async Task Bytes_that_are_not_a_tarball_are_an_error_saying_so()
    {
        var error = await Assert.ThrowsAsync<BuildContextException>(() => BuildContext.FromTarballAsync(new MemoryStream(new byte[1024].Select(_ => (byte)'x').ToArray())));

        Assert.Contains("tarball", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bzip2_archives_are_refused_with_the_formats_that_work()
    {
        var error = await Assert.ThrowsAsync<BuildContextException>(() => BuildContext.FromTarballAsync(new MemoryStream("BZh91AY&SY"u8.ToArray())));

        Assert.Contains("gzip", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Standard_input_holding_a_tarball_is_a_context()
    {
        using var context = await BuildContext.OpenAsync("-", null, WithDockerfile().File("a.txt", "from stdin").Gzip());

        Assert.Equal("from stdin", Read(context, "a.txt"));
    }

    [Fact]
    public async Task Standard_input_holding_a_plain_tarball_is_recognised_by_its_header_checksum()
    {
        using var context = await BuildContext.FromStandardInputAsync(WithDockerfile().File("a.txt", "plain").Plain());

        Assert.Equal("plain", Read(context, "a.txt"));
    }

    [Fact]
    public async Task Standard_input_holding_a_Dockerfile_makes_a_context_with_only_that_Dockerfile()
    {
        var input = new MemoryStream(Encoding.UTF8.GetBytes("FROM busybox\nRUN echo hi\n"));

        using var context = await BuildContext.FromStandardInputAsync(input);

        Assert.Equal("FROM busybox\nRUN echo hi\n", await File.ReadAllTextAsync(context.DockerfilePath));
        Assert.Equal(["Dockerfile"], Paths(context));
    }

    [Fact]
    public async Task A_Dockerfile_on_standard_input_leaves_nothing_for_f_to_name()
    {
        var input = new MemoryStream(Encoding.UTF8.GetBytes("FROM busybox\n"));

        await Assert.ThrowsAsync<BuildContextException>(() => BuildContext.FromStandardInputAsync(input, "other.Dockerfile"));
    }
}
