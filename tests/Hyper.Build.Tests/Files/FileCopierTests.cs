using Hyper.Build.Context;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Files;
using Hyper.Build.Layers;

namespace Hyper.Build.Tests.Files;

/// <summary>COPY and ADD into a real root filesystem on disk, real owners (the tests run as root).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class FileCopierTests : IDisposable
{
    private static readonly DateTimeOffset Then = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly TempDirectory _work = new();
    private readonly string _context;
    private readonly string _root;

    public FileCopierTests()
    {
        _context = Directory.CreateDirectory(_work.Combine("context")).FullName;
        _root = Directory.CreateDirectory(_work.Combine("rootfs")).FullName;
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\n");
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.WriteAllText(Path.Combine(_root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n");
        File.WriteAllText(Path.Combine(_root, "etc/group"), "root:x:0:\nstaff:x:50:\n");
    }

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Copy_of_a_file_keeps_mode_and_mtime_and_is_owned_by_root()
    {
        ContextFile("tool.sh", "echo", mode: 0x1e4);

        await CopyAsync(new CopyOperation { Sources = ["tool.sh"], Destination = "/usr/bin/" });

        var status = Stat("usr/bin/tool.sh");
        Assert.Equal(0x1e4u, status.Mode & 0xFFF);
        Assert.Equal((0u, 0u), (status.Uid, status.Gid));
        Assert.Equal(Then, status.ModificationTime);
        Assert.Equal(0x1edu, Stat("usr").Mode & 0xFFF);
    }

    [Fact]
    public async Task Copy_of_a_directory_copies_its_contents()
    {
        ContextFile("src/a.txt", "a");
        ContextFile("src/sub/b.txt", "b");

        await CopyAsync(new CopyOperation { Sources = ["src"], Destination = "/app" });

        Assert.Equal("a", Read("app/a.txt"));
        Assert.Equal("b", Read("app/sub/b.txt"));
        Assert.False(Directory.Exists(Path.Combine(_root, "app/src")));
        Assert.Equal(Then, Stat("app/sub").ModificationTime);
    }

    [Theory]
    [InlineData("/out/", "out/f.txt")]
    [InlineData("/out", "out")]
    [InlineData("/etc", "etc/f.txt")]
    [InlineData("rel/", "work/rel/f.txt")]
    [InlineData(".", "work/f.txt")]
    public async Task File_goes_inside_a_directory_destination_or_becomes_the_name(string destination, string expected)
    {
        ContextFile("f.txt", "data");

        await CopyAsync(new CopyOperation { Sources = ["f.txt"], Destination = destination, WorkingDirectory = "/work" });

        Assert.Equal("data", Read(expected));
    }

    [Fact]
    public async Task Several_sources_need_a_destination_ending_with_a_slash()
    {
        ContextFile("a", "a");
        ContextFile("b", "b");

        var error = await Assert.ThrowsAsync<FileCopyException>(() => CopyAsync(new CopyOperation { Sources = ["a", "b"], Destination = "/dest" }));

        Assert.Equal("When using COPY with more than one source file, the destination must be a directory and end with a /", error.Message);
        Assert.False(File.Exists(Path.Combine(_root, "dest")));
    }

    [Fact]
    public async Task Wildcards_match_per_component()
    {
        ContextFile("a1.txt", "1");
        ContextFile("a2.txt", "2");
        ContextFile("b.txt", "b");
        ContextFile("dir/x.md", "x");

        await CopyAsync(new CopyOperation { Sources = ["a[0-9].txt", "*/?.md"], Destination = "/out/" });

        Assert.Equal(["a1.txt", "a2.txt", "x.md"], Names("out"));
    }

    [Fact]
    public async Task Wildcard_without_match_is_an_error()
    {
        ContextFile("a.txt", "a");

        var error = await Assert.ThrowsAsync<FileCopyException>(() => CopyAsync(new CopyOperation { Sources = ["*.go"], Destination = "/out/" }));

        Assert.Contains("\"/*.go\": not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_source_is_an_error_and_nothing_is_written()
    {
        ContextFile("a.txt", "a");

        var error = await Assert.ThrowsAsync<FileCopyException>(() => CopyAsync(new CopyOperation { Sources = ["a.txt", "missing"], Destination = "/out/" }));

        Assert.Contains("\"/missing\": not found", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "out")));
    }

    [Fact]
    public async Task Sources_outside_the_context_resolve_inside_it()
    {
        ContextFile("a.txt", "a");

        await CopyAsync(new CopyOperation { Sources = ["../../a.txt"], Destination = "/out/" });

        Assert.Equal("a", Read("out/a.txt"));
    }

    [Fact]
    public async Task Chown_by_name_uses_the_target_rootfs_passwd()
    {
        ContextFile("d/f", "f");

        await CopyAsync(new CopyOperation { Sources = ["d"], Destination = "/new/d", Chown = "app" });

        Assert.Equal((1000u, 1001u), (Stat("new/d/f").Uid, Stat("new/d/f").Gid));
        Assert.Equal((1000u, 1001u), (Stat("new").Uid, Stat("new").Gid));
    }

    [Theory]
    [InlineData("1234", 1234u, 1234u)]
    [InlineData("app:staff", 1000u, 50u)]
    [InlineData("7:8", 7u, 8u)]
    public async Task Chown_forms(string chown, uint uid, uint gid)
    {
        ContextFile("f", "f");

        await CopyAsync(new CopyOperation { Sources = ["f"], Destination = "/f", Chown = chown });

        Assert.Equal((uid, gid), (Stat("f").Uid, Stat("f").Gid));
    }

    [Fact]
    public async Task Chown_of_an_unknown_user_is_an_error()
    {
        ContextFile("f", "f");

        var error = await Assert.ThrowsAsync<FileCopyException>(() => CopyAsync(new CopyOperation { Sources = ["f"], Destination = "/f", Chown = "ghost" }));

        Assert.Contains("unable to find user ghost", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0755", 0x1a4, 0x1ed, 0x1ed)]
    [InlineData("600", 0x1a4, 0x180, 0x180)]
    [InlineData("u+x,g-r", 0x1a4, 0x1c4, 0x1cd)]
    [InlineData("a=r", 0x1ff, 0x124, 0x124)]
    [InlineData("go-rwx,u=rwX", 0x1a4, 0x180, 0x1c0)]
    public async Task Chmod_symbolic_and_octal(string chmod, int sourceMode, int fileMode, int directoryMode)
    {
        ContextFile("d/f", "f", mode: sourceMode);
        File.SetUnixFileMode(Path.Combine(_context, "d"), (UnixFileMode)0x1ed);

        await CopyAsync(new CopyOperation { Sources = ["d/"], Destination = "/x/", Chmod = chmod });
        await CopyAsync(new CopyOperation { Sources = ["."], Destination = "/y/", Chmod = chmod });

        Assert.Equal((uint)fileMode, Stat("x/f").Mode & 0xFFF);
        Assert.Equal((uint)directoryMode, Stat("y/d").Mode & 0xFFF);
    }

    [Fact]
    public async Task Exclude_skips_matching_files()
    {
        ContextFile("app/main.go", "m");
        ContextFile("app/main_test.go", "t");
        ContextFile("app/node_modules/x.js", "x");
        ContextFile("readme.md", "r");
        ContextFile("notes.md", "n");

        await CopyAsync(new CopyOperation { Sources = ["app", "*.md"], Destination = "/out/", Excludes = ["*_test.go", "node_modules", "notes.md"] });

        Assert.Equal(["main.go", "readme.md"], Names("out"));
    }

    [Fact]
    public async Task Parents_keeps_the_source_path()
    {
        ContextFile("x/y/a.txt", "a");
        ContextFile("x/z/b.txt", "b");
        ContextFile("p/./q/c.txt", "c");

        await CopyAsync(new CopyOperation { Sources = ["x/*/*.txt", "p/./q/c.txt"], Destination = "/out", Parents = true });

        Assert.Equal("a", Read("out/x/y/a.txt"));
        Assert.Equal("b", Read("out/x/z/b.txt"));
        Assert.Equal("c", Read("out/q/c.txt"));
    }

    [Fact]
    public async Task Dockerignored_files_are_not_copied()
    {
        ContextFile(".dockerignore", "secret*\n**/*.log\n");
        ContextFile("secret.key", "k");
        ContextFile("src/app.log", "l");
        ContextFile("src/app.c", "c");

        await CopyAsync(new CopyOperation { Sources = ["."], Destination = "/out/" });

        Assert.False(File.Exists(Path.Combine(_root, "out/secret.key")));
        Assert.Equal(["app.c"], Names("out/src"));
        await Assert.ThrowsAsync<FileCopyException>(() => CopyAsync(new CopyOperation { Sources = ["secret.key"], Destination = "/k" }));
    }

    [Fact]
    public async Task Symlinks_are_copied_as_links_but_a_named_link_is_followed()
    {
        ContextFile("d/real.txt", "r");
        File.CreateSymbolicLink(Path.Combine(_context, "d/link"), "real.txt");
        File.CreateSymbolicLink(Path.Combine(_context, "top"), "d/real.txt");

        await CopyAsync(new CopyOperation { Sources = ["d", "top"], Destination = "/out/" });

        Assert.Equal("real.txt", new FileInfo(Path.Combine(_root, "out/link")).LinkTarget);
        Assert.Null(new FileInfo(Path.Combine(_root, "out/top")).LinkTarget);
        Assert.Equal("r", Read("out/top"));
    }

    [Fact]
    public async Task Hard_links_within_one_copy_stay_linked()
    {
        ContextFile("d/one", "1");
        Hyper.Build.Execution.LibC.Link(Path.Combine(_context, "d/one"), Path.Combine(_context, "d/two"));

        await CopyAsync(new CopyOperation { Sources = ["d"], Destination = "/out" });

        Assert.Equal(Stat("out/one").Inode, Stat("out/two").Inode);
    }

    [Fact]
    public async Task Files_from_a_stage_keep_their_owner_unless_chown()
    {
        var stage = Directory.CreateDirectory(_work.Combine("stage")).FullName;
        Directory.CreateDirectory(Path.Combine(stage, "opt"));
        File.WriteAllText(Path.Combine(stage, "opt/bin"), "b");
        File.CreateSymbolicLink(Path.Combine(stage, "current"), "/opt");
        Hyper.Build.Execution.LibC.Lchown(Path.Combine(stage, "opt/bin"), 33, 44);

        await new FileCopier().CopyAsync(new CopyOperation { Sources = ["current/bin"], Destination = "/a/" }, new DirectoryFileSource(stage), _root, CancellationToken.None);
        await new FileCopier().CopyAsync(new CopyOperation { Sources = ["/opt/bin"], Destination = "/b/", Chown = "5:6" }, new DirectoryFileSource(stage), _root, CancellationToken.None);

        Assert.Equal((33u, 44u), (Stat("a/bin").Uid, Stat("a/bin").Gid));
        Assert.Equal((5u, 6u), (Stat("b/bin").Uid, Stat("b/bin").Gid));
    }

    [Fact]
    public async Task Here_documents_are_written_with_mode_0644()
    {
        await CopyAsync(new CopyOperation { SourceContents = [new SourceContent("run.sh", "echo hi\n", true)], Destination = "/scripts/" });

        Assert.Equal("echo hi\n", Read("scripts/run.sh"));
        Assert.Equal(0x1a4u, Stat("scripts/run.sh").Mode & 0xFFF);
    }

    [Fact]
    public async Task Destination_through_absolute_symlink_stays_inside_the_root()
    {
        ContextFile("pid", "1");
        Directory.CreateDirectory(Path.Combine(_root, "run"));
        Directory.CreateDirectory(Path.Combine(_root, "var"));
        File.CreateSymbolicLink(Path.Combine(_root, "var/run"), "/run");

        await CopyAsync(new CopyOperation { Sources = ["pid"], Destination = "/var/run/" });

        Assert.Equal("1", Read("run/pid"));
    }

    [Fact]
    public async Task Destination_symlink_climbing_out_of_the_root_is_refused_and_host_untouched()
    {
        ContextFile("evil", "x");
        var outside = Directory.CreateDirectory(_work.Combine("outside")).FullName;
        File.CreateSymbolicLink(Path.Combine(_root, "escape"), "../outside");

        var error = await Assert.ThrowsAsync<FileCopyException>(() => CopyAsync(new CopyOperation { Sources = ["evil"], Destination = "/escape/" }));

        Assert.Contains("outside the root", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public async Task An_existing_link_at_the_target_is_replaced_not_written_through()
    {
        ContextFile("passwd", "mine");
        var outside = _work.Combine("host-file");
        File.WriteAllText(outside, "host");
        Directory.CreateDirectory(Path.Combine(_root, "d"));
        File.CreateSymbolicLink(Path.Combine(_root, "d/passwd"), "../../host-file");

        await CopyAsync(new CopyOperation { Sources = ["."], Destination = "/d/", Excludes = ["Dockerfile"] });

        Assert.Equal("host", File.ReadAllText(outside));
        Assert.Equal("mine", Read("d/passwd"));
        Assert.Null(new FileInfo(Path.Combine(_root, "d/passwd")).LinkTarget);
    }

    private async Task CopyAsync(CopyOperation operation)
    {
        using var context = BuildContext.FromDirectory(_context);
        await new FileCopier().CopyAsync(operation, new ContextFileSource(context), _root, CancellationToken.None);
    }

    private void ContextFile(string path, string content, int mode = 0x1a4)
    {
        var full = Path.Combine(_context, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        File.SetUnixFileMode(full, (UnixFileMode)mode);
        File.SetLastWriteTimeUtc(full, Then.UtcDateTime);
        for (var dir = Path.GetDirectoryName(full)!; dir.Length > _context.Length; dir = Path.GetDirectoryName(dir)!)
        {
            Directory.SetLastWriteTimeUtc(dir, Then.UtcDateTime);
        }
    }

    private string Read(string path) => File.ReadAllText(Path.Combine(_root, path));

    private FileStatus Stat(string path) => LinuxFiles.Lstat(Path.Combine(_root, path));

    private string[] Names(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(Path.Combine(_root, directory)).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
}
