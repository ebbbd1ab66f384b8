using System.Runtime.Versioning;

namespace Hyper.Build.Tests.Layers;

/// <summary>
/// The upper directory a real overlayfs mount leaves behind after a typical build step,
/// made once and shared by the tests that read it.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class OverlayUpper : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();

    public string Upper => _temp.Combine("upper");

    public string EmptyUpper => _temp.Combine("empty-upper");

    /// <summary>A directory holding one file whose xattr is not UTF-8, kept apart because .NET's
    /// TarReader refuses such records (GNU tar and Go read them).</summary>
    public string BinaryXattrUpper => _temp.Combine("binary-upper");

    /// <summary>Where GNU tar unpacks a layer for the interop checks.</summary>
    public string Unpacked => _temp.Combine("unpacked");

    public async Task InitializeAsync()
    {
        var lower = _temp.Combine("lower");
        var work = _temp.Combine("work");
        var merged = _temp.Combine("merged");
        foreach (var dir in new[] { lower, Upper, work, merged, EmptyUpper, Path.Combine(lower, "olddir") })
        {
            Directory.CreateDirectory(dir);
        }

        Directory.CreateDirectory(BinaryXattrUpper);
        Directory.CreateDirectory(Unpacked);
        var capable = Path.Combine(BinaryXattrUpper, "ping");
        File.WriteAllText(capable, "binary");

        // Not UTF-8, with newlines and '=' inside: the shape of security.capability values.
        await ExternalProcess.RunCheckedAsync("python3", "-c", $"import os; os.setxattr('{capable}', 'user.bin', bytes(range(256)))");

        File.WriteAllText(Path.Combine(lower, "keep.txt"), "untouched");
        File.WriteAllText(Path.Combine(lower, "modify.txt"), "before");
        File.WriteAllText(Path.Combine(lower, "delete.txt"), "doomed");
        File.WriteAllText(Path.Combine(lower, "run.sh"), "#!/bin/sh\n");
        File.WriteAllText(Path.Combine(lower, "owned.txt"), "mine");
        File.WriteAllText(Path.Combine(lower, "olddir", "a.txt"), "a");

        await ExternalProcess.RunCheckedAsync("mount", "-t", "overlay", "overlay", "-o", $"lowerdir={lower},upperdir={Upper},workdir={work}", merged);
        try
        {
            string M(string name) => Path.Combine(merged, name);
            File.WriteAllText(M("new.txt"), "new");
            File.WriteAllText(M("modify.txt"), "after");
            File.Delete(M("delete.txt"));
            Directory.Delete(M("olddir"), recursive: true);
            Directory.CreateDirectory(M("olddir"));
            File.WriteAllText(M("olddir/c.txt"), "c");
            Directory.CreateDirectory(M("sub/deeper"));
            File.WriteAllText(M("sub/deeper/file"), "deep");
            File.CreateSymbolicLink(M("link"), "new.txt");
            await ExternalProcess.RunCheckedAsync("ln", M("new.txt"), M("sub/hard"));
            File.SetUnixFileMode(M("run.sh"), (UnixFileMode)0b111_101_101);
            await ExternalProcess.RunCheckedAsync("chown", "1234:5678", M("owned.txt"));
            await ExternalProcess.RunCheckedAsync("mkfifo", M("pipe"));
            await ExternalProcess.RunCheckedAsync("mknod", M("null"), "c", "1", "3");
            await ExternalProcess.RunCheckedAsync("python3", "-c", $"import os; os.setxattr('{M("new.txt")}', 'user.note', b'hello')");
        }
        finally
        {
            await ExternalProcess.RunCheckedAsync("umount", merged);
        }

        // Fixed times, so timestamp assertions do not depend on when the test ran.
        foreach (var path in Directory.EnumerateFileSystemEntries(Upper, "*", SearchOption.AllDirectories))
        {
            if (!new FileInfo(path).Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                File.SetLastWriteTimeUtc(path, new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            }
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _temp.Dispose();
}
