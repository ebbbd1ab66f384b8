namespace Hyper.EndToEnd.Tests;

/// <summary>
/// podman with storage of its own (vfs, under a temp directory), so tests neither see nor touch the host's
/// images; runc with the limits this machine needs, and no network.
/// </summary>
public sealed class Podman : IDisposable
{
    private readonly TempDirectory _directory = new();

    public Task<ExternalProcess.Result> LoadAsync(string archive) => RunCheckedAsync("load", "-i", archive);

    /// <summary>Runs <paramref name="image"/> (a name, or a transport such as <c>oci-archive:x.tar</c>) to completion.</summary>
    public Task<ExternalProcess.Result> RunAsync(string image, params string[] command) =>
        RunCheckedAsync([
            "run", "--rm", "--runtime", "runc", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768", "--network", "none",
            image, .. command]);

    public void Dispose()
    {
        // podman's vfs layers are ordinary directories, but its runroot may hold a mount or two.
        MountTable.UnmountEverythingUnder(_directory.Path);
        _directory.Dispose();
    }

    private Task<ExternalProcess.Result> RunCheckedAsync(params string[] arguments) =>
        ExternalProcess.RunCheckedAsync("podman", [
            "--root", _directory.Combine("storage"), "--runroot", _directory.Combine("run"), "--storage-driver", "vfs",
            "--cgroup-manager", "cgroupfs", "--events-backend", "file", .. arguments]);
}
