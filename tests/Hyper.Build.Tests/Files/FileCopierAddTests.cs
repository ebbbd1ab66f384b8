using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

using Hyper.Build.Context;
using Hyper.Build.Files;
using Hyper.Build.Tests.Context;

namespace Hyper.Build.Tests.Files;

/// <summary>ADD: archives extracted by content, URLs downloaded from a local server and verified.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileCopierAddTests : IDisposable
{
    private readonly TempDirectory _work = new();
    private readonly string _context;
    private readonly string _root;

    public FileCopierAddTests()
    {
        _context = Directory.CreateDirectory(_work.Combine("context")).FullName;
        _root = Directory.CreateDirectory(_work.Combine("rootfs")).FullName;
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), "FROM scratch\n");
    }

    public void Dispose() => _work.Dispose();

    [Theory]
    [InlineData("plain", "")]
    [InlineData("gzip", "gzip")]
    [InlineData("bzip2", "bzip2")]
    [InlineData("xz", "xz")]
    [InlineData("zstd", "zstd")]
    public async Task Add_extracts_local_tar_gz_bz2_xz_zst(string name, string compressor)
    {
        var tar = Tar(new Tarball().Entry(new PaxTarEntry(TarEntryType.RegularFile, "app/readme") { DataStream = new MemoryStream("hello"u8.ToArray()), Uid = 12 }).SymbolicLink("app/link", "readme"));
        var archive = Path.Combine(_context, name + ".bin");
        await File.WriteAllBytesAsync(archive, compressor.Length == 0 ? tar : await CompressAsync(tar, compressor));

        await AddAsync(new CopyOperation { Sources = [name + ".bin"], Destination = "/opt", IsAdd = true });

        Assert.Equal("hello", File.ReadAllText(Path.Combine(_root, "opt/app/readme")));
        Assert.Equal("readme", new FileInfo(Path.Combine(_root, "opt/app/link")).LinkTarget);
        Assert.Equal(12u, Hyper.Build.Layers.LinuxFiles.Lstat(Path.Combine(_root, "opt/app/readme")).Uid);
    }

    [Fact]
    public async Task Add_with_unpack_false_and_copy_keep_the_archive_as_a_file()
    {
        await File.WriteAllBytesAsync(Path.Combine(_context, "a.tar"), Tar(new Tarball().File("x", "x")));

        await AddAsync(new CopyOperation { Sources = ["a.tar"], Destination = "/one/", IsAdd = true, Unpack = false });
        await AddAsync(new CopyOperation { Sources = ["a.tar"], Destination = "/two/" });

        Assert.True(File.Exists(Path.Combine(_root, "one/a.tar")));
        Assert.True(File.Exists(Path.Combine(_root, "two/a.tar")));
    }

    [Fact]
    public async Task Add_of_a_file_that_only_looks_compressed_copies_it()
    {
        await File.WriteAllBytesAsync(Path.Combine(_context, "fake.gz"), [0x1f, 0x8b, 1, 2, 3]);

        await AddAsync(new CopyOperation { Sources = ["fake.gz"], Destination = "/d/", IsAdd = true });

        Assert.Equal(5, new FileInfo(Path.Combine(_root, "d/fake.gz")).Length);
    }

    [Theory]
    [InlineData("../../escaped")]
    [InlineData("a/../../escaped")]
    public async Task Add_of_tar_with_dotdot_entries_is_refused(string entry)
    {
        await File.WriteAllBytesAsync(Path.Combine(_context, "evil.tar"), Tar(new Tarball().File(entry, "x")));

        var error = await Assert.ThrowsAsync<FileCopyException>(() => AddAsync(new CopyOperation { Sources = ["evil.tar"], Destination = "/dest", IsAdd = true }));

        Assert.Contains(entry, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "escaped")));
        Assert.False(File.Exists(_work.Combine("escaped")));
    }

    [Fact]
    public async Task Add_of_tar_writing_through_a_link_out_of_the_destination_is_refused()
    {
        var tar = Tar(new Tarball().SymbolicLink("up", "..").File("up/outside", "x"));
        await File.WriteAllBytesAsync(Path.Combine(_context, "evil.tar"), tar);

        var error = await Assert.ThrowsAsync<FileCopyException>(() => AddAsync(new CopyOperation { Sources = ["evil.tar"], Destination = "/dest", IsAdd = true }));

        Assert.Contains("up/outside", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "outside")));
    }

    [Fact]
    public async Task Add_of_tar_with_absolute_names_extracts_below_the_destination()
    {
        await File.WriteAllBytesAsync(Path.Combine(_context, "abs.tar"), Tar(new Tarball().File("/etc/conf", "c")));

        await AddAsync(new CopyOperation { Sources = ["abs.tar"], Destination = "/dest", IsAdd = true });

        Assert.Equal("c", File.ReadAllText(Path.Combine(_root, "dest/etc/conf")));
    }

    [Fact]
    public async Task Add_of_url_verifies_checksum()
    {
        var body = Encoding.UTF8.GetBytes("downloaded");
        var modified = new DateTimeOffset(2019, 5, 6, 7, 8, 9, TimeSpan.Zero);
        using var server = new LocalHttpServer(body, modified);
        using var http = new HttpClient();
        var copier = new FileCopier(http);
        var source = new DirectoryFileSource(_context);
        var good = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
        var url = server.Url + "files/tool.bin";

        await copier.CopyAsync(new CopyOperation { Sources = [url], Destination = "/dl/", IsAdd = true, Checksum = good }, source, _root, CancellationToken.None);
        var error = await Assert.ThrowsAsync<FileCopyException>(() => copier.CopyAsync(
            new CopyOperation { Sources = [url], Destination = "/bad/", IsAdd = true, Checksum = "sha256:" + new string('0', 64) }, source, _root, CancellationToken.None));

        var downloaded = Path.Combine(_root, "dl/tool.bin");
        Assert.Equal("downloaded", File.ReadAllText(downloaded));
        Assert.Equal(0x180u, Hyper.Build.Layers.LinuxFiles.Lstat(downloaded).Mode & 0xFFF);
        Assert.Equal(modified, Hyper.Build.Layers.LinuxFiles.Lstat(downloaded).ModificationTime);
        Assert.Contains("checksum mismatch", error.Message, StringComparison.Ordinal);
        Assert.Contains(url, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "bad/tool.bin")));
    }

    private static async Task<byte[]> CompressAsync(byte[] data, string compressor)
    {
        if (compressor == "gzip")
        {
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(data);
            }

            return buffer.ToArray();
        }

        // bzip2, xz and zstd from the Debian tools (scripts/install-deps.sh installs them).
        var input = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(input, data);
            await ExternalProcess.RunCheckedAsync(compressor, "-f", "-k", input);
            var suffix = compressor switch { "bzip2" => ".bz2", "xz" => ".xz", _ => ".zst" };
            var output = input + suffix;
            var bytes = await File.ReadAllBytesAsync(output);
            File.Delete(output);
            return bytes;
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static byte[] Tar(Tarball tarball)
    {
        using var plain = tarball.Plain();
        return plain.ToArray();
    }

    private async Task AddAsync(CopyOperation operation)
    {
        using var context = BuildContext.FromDirectory(_context);
        await new FileCopier().CopyAsync(operation, new ContextFileSource(context), _root, CancellationToken.None);
    }

    /// <summary>Serves one body at every path on 127.0.0.1, with a Last-Modified header.</summary>
    private sealed class LocalHttpServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;

        public LocalHttpServer(byte[] body, DateTimeOffset modified)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _serving = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    context.Response.Headers["Last-Modified"] = modified.ToString("R");
                    await context.Response.OutputStream.WriteAsync(body);
                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
