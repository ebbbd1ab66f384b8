using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Hyper.EndToEnd.Tests;

public sealed class FileCopyTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private readonly BuildWorkspace _workspace = new(busybox);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task ADD_of_a_local_compressed_tar_unpacks_it_into_the_destination()
    {
        await WriteTarGzAsync(_workspace.Combine("context", "site.tar.gz"), ("index.html", "<h1>hi</h1>\n"), ("css/site.css", "body{}\n"));
        _workspace.WriteDockerfile("""
            FROM busybox
            ADD site.tar.gz /srv/www/
            RUN cat /srv/www/index.html /srv/www/css/site.css > /srv/combined
            """);

        var rootfs = await _workspace.BuildRootFileSystemAsync();

        Assert.Equal("<h1>hi</h1>\n", File.ReadAllText(Path.Combine(rootfs, "srv/www/index.html")));
        Assert.Equal("<h1>hi</h1>\nbody{}\n", File.ReadAllText(Path.Combine(rootfs, "srv/combined")));
        Assert.False(File.Exists(Path.Combine(rootfs, "srv/www/site.tar.gz")));
    }

    [Fact]
    public async Task COPY_of_a_directory_copies_its_contents_and_dockerignore_leaves_files_out()
    {
        _workspace.WriteFile("app/main.sh", "echo main\n");
        _workspace.WriteFile("app/lib/util.sh", "echo util\n");
        _workspace.WriteFile("app/debug.log", "noise\n");
        _workspace.WriteFile(".dockerignore", "**/*.log\n");
        _workspace.WriteDockerfile("""
            FROM busybox AS build
            COPY app /src/
            RUN ls -R /src > /listing.txt

            FROM busybox
            COPY --from=build /src /opt/app
            COPY --from=build /listing.txt /
            """);

        var rootfs = await _workspace.BuildRootFileSystemAsync();

        Assert.Equal("echo main\n", File.ReadAllText(Path.Combine(rootfs, "opt/app/main.sh")));
        Assert.Equal("echo util\n", File.ReadAllText(Path.Combine(rootfs, "opt/app/lib/util.sh")));
        Assert.False(File.Exists(Path.Combine(rootfs, "opt/app/debug.log")));
        Assert.DoesNotContain("debug.log", File.ReadAllText(Path.Combine(rootfs, "listing.txt")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_named_context_directory_is_a_COPY_source()
    {
        var shared = Directory.CreateDirectory(_workspace.Combine("shared")).FullName;
        File.WriteAllText(Path.Combine(shared, "config.ini"), "[main]\n");
        _workspace.WriteDockerfile("""
            FROM busybox
            COPY --from=settings config.ini /etc/app/
            """);

        var rootfs = await _workspace.BuildRootFileSystemAsync("--build-context", $"settings={shared}");

        Assert.Equal("[main]\n", File.ReadAllText(Path.Combine(rootfs, "etc/app/config.ini")));
    }

    private static async Task WriteTarGzAsync(string path, params (string Name, string Content)[] files)
    {
        await using var stream = File.Create(path);
        await using var gzip = new GZipStream(stream, CompressionLevel.Fastest);
        await using var writer = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (name, content) in files)
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            });
        }
    }
}
