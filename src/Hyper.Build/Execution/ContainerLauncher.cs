namespace Hyper.Build.Execution;

/// <summary>
/// Runs one process in a container on a prepared root filesystem: writes the bundle (config.json, hosts,
/// resolv.conf) into a directory of its own, runs it with the OCI runtime, and deletes the bundle.
/// Build steps and <c>hyperbuild run</c> both start containers this way.
/// </summary>
public sealed class ContainerLauncher(OciRuntime runtime, string workDirectory)
{
    private const string HostResolvConf = "/etc/resolv.conf";

    public OciRuntime Runtime { get; } = runtime;

    /// <summary>Runs <paramref name="process"/> with <paramref name="rootfs"/> as root, passing each output line to <paramref name="output"/>; returns the exit code.</summary>
    public async Task<int> RunAsync(ContainerProcess process, string rootfs, Action<string> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentException.ThrowIfNullOrEmpty(rootfs);
        var id = $"hyper-{Guid.NewGuid():N}";
        var bundle = Directory.CreateDirectory(Path.Combine(workDirectory, id)).FullName;
        try
        {
            var hosts = Path.Combine(bundle, "hosts");
            var resolvConf = Path.Combine(bundle, "resolv.conf");
            await File.WriteAllTextAsync(hosts, RuntimeSpec.HostsFile(process.Hostname), cancellationToken).ConfigureAwait(false);

            // The host's resolver: steps share the host's network, so its name servers are the ones that answer.
            var resolvers = File.Exists(HostResolvConf) ? await File.ReadAllTextAsync(HostResolvConf, cancellationToken).ConfigureAwait(false) : string.Empty;
            await File.WriteAllTextAsync(resolvConf, resolvers, cancellationToken).ConfigureAwait(false);

            var spec = RuntimeSpec.Create(process, rootfs, hosts, resolvConf, ResourceLimits.OpenFilesHardLimit());
            await File.WriteAllBytesAsync(Path.Combine(bundle, "config.json"), spec, cancellationToken).ConfigureAwait(false);
            return await Runtime.RunAsync(bundle, id, output, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }
}
