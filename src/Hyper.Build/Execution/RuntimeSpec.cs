using System.Text;
using System.Text.Json;

namespace Hyper.Build.Execution;

/// <summary>
/// Writes the OCI runtime-spec <c>config.json</c> of a build container: the process, Docker's default
/// capabilities, fresh namespaces, and the mounts a container expects (/proc, /dev, /dev/pts,
/// /dev/shm, /dev/mqueue, /sys, and generated /etc/hosts and /etc/resolv.conf).
/// </summary>
public static class RuntimeSpec
{
    /// <summary>Docker's default capability set, which RUN steps get unless --security=insecure.</summary>
    public static IReadOnlyList<string> DefaultCapabilities { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
        "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <summary>
    /// Open files allowed in the container. Asking for more than the hard limit of the calling process
    /// fails at start ("error setting rlimits"); this machine's hard limit is 20000, so the value is
    /// the smaller of Docker's 1048576 and that limit.
    /// </summary>
    public static ulong OpenFilesLimit(ulong hardLimit) => Math.Min(1_048_576UL, hardLimit);

    /// <summary>The config.json for <paramref name="process"/> with <paramref name="rootfs"/> as root.</summary>
    /// <param name="process">What to run, as whom, where.</param>
    /// <param name="rootfs">The container's root filesystem on the host (an overlay mount).</param>
    /// <param name="hostsFile">A generated hosts file on the host, bind-mounted read-only at /etc/hosts.</param>
    /// <param name="resolvConf">A resolv.conf on the host, bind-mounted read-only at /etc/resolv.conf.</param>
    /// <param name="openFilesHardLimit">The caller's hard RLIMIT_NOFILE.</param>
    public static byte[] Create(ContainerProcess process, string rootfs, string hostsFile, string resolvConf, ulong openFilesHardLimit)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (process.Args.Count == 0)
        {
            throw new ArgumentException("a container process needs a command", nameof(process));
        }

        if (!process.WorkingDirectory.StartsWith('/'))
        {
            throw new ArgumentException($"working directory '{process.WorkingDirectory}' must be absolute", nameof(process));
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("ociVersion", "1.0.2");
            WriteProcess(json, process, openFilesHardLimit);
            json.WriteStartObject("root");
            json.WriteString("path", rootfs);
            json.WriteBoolean("readonly", false);
            json.WriteEndObject();
            json.WriteString("hostname", process.Hostname);
            WriteMounts(json, hostsFile, resolvConf, process.Mounts);
            WriteLinux(json, process.Network);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The /etc/hosts of a build container: loopback names and its own hostname.</summary>
    public static string HostsFile(string hostname) =>
        new StringBuilder()
            .Append("127.0.0.1\tlocalhost ").Append(hostname).Append('\n')
            .Append("::1\tlocalhost ip6-localhost ip6-loopback\n")
            .ToString();

    private static void WriteProcess(Utf8JsonWriter json, ContainerProcess process, ulong openFilesHardLimit)
    {
        json.WriteStartObject("process");
        json.WriteBoolean("terminal", false);
        json.WriteStartObject("user");
        json.WriteNumber("uid", process.Uid);
        json.WriteNumber("gid", process.Gid);
        if (process.AdditionalGids.Count > 0)
        {
            json.WriteStartArray("additionalGids");
            foreach (var gid in process.AdditionalGids)
            {
                json.WriteNumberValue(gid);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        WriteStrings(json, "args", process.Args);
        WriteStrings(json, "env", process.Env);
        json.WriteString("cwd", process.WorkingDirectory);
        json.WriteStartObject("capabilities");
        foreach (var set in new[] { "bounding", "effective", "permitted" })
        {
            WriteStrings(json, set, DefaultCapabilities);
        }

        json.WriteEndObject();
        json.WriteStartArray("rlimits");
        json.WriteStartObject();
        json.WriteString("type", "RLIMIT_NOFILE");
        json.WriteNumber("hard", OpenFilesLimit(openFilesHardLimit));
        json.WriteNumber("soft", OpenFilesLimit(openFilesHardLimit));
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteBoolean("noNewPrivileges", false);
        json.WriteEndObject();
    }

    private static void WriteMounts(Utf8JsonWriter json, string hostsFile, string resolvConf, IReadOnlyList<ContainerMount> extra)
    {
        json.WriteStartArray("mounts");
        Mount(json, "/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]);
        Mount(json, "/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]);
        Mount(json, "/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]);
        Mount(json, "/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]);
        Mount(json, "/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]);
        Mount(json, "/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]);
        Mount(json, "/etc/hosts", "bind", hostsFile, ["rbind", "ro"]);
        Mount(json, "/etc/resolv.conf", "bind", resolvConf, ["rbind", "ro"]);
        foreach (var mount in extra)
        {
            Mount(json, mount.Destination, mount.Type, mount.Source, [.. mount.Options]);
        }

        json.WriteEndArray();
    }

    private static void WriteLinux(Utf8JsonWriter json, NetworkMode network)
    {
        json.WriteStartObject("linux");
        json.WriteStartArray("namespaces");
        foreach (var ns in new[] { "pid", "ipc", "uts", "mount" })
        {
            json.WriteStartObject();
            json.WriteString("type", ns);
            json.WriteEndObject();
        }

        if (network == NetworkMode.None)
        {
            json.WriteStartObject();
            json.WriteString("type", "network");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteStrings(json, "maskedPaths", ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"]);
        WriteStrings(json, "readonlyPaths", ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]);
        json.WriteEndObject();
    }

    private static void Mount(Utf8JsonWriter json, string destination, string type, string source, string[] options)
    {
        json.WriteStartObject();
        json.WriteString("destination", destination);
        json.WriteString("type", type);
        json.WriteString("source", source);
        WriteStrings(json, "options", options);
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
