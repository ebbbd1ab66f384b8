using Hyper.Build.Execution;

namespace Hyper.Build.Tests.Execution;

/// <summary>Build containers run for real with runc, on a root filesystem made from busybox-static.</summary>
public sealed class OciRuntimeTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Process_runs_as_the_given_user_in_its_directory_with_its_environment_and_hostname()
    {
        var (exitCode, output) = await RunAsync(new ContainerProcess
        {
            Args = ["/bin/sh", "-c", "echo \"$GREETING\"; id -u; id -g; pwd; hostname; grep -c localhost /etc/hosts"],
            Env = ["PATH=/bin", "GREETING=hello from runc"],
            WorkingDirectory = "/tmp",
            Uid = 1000,
            Gid = 1000,
            Hostname = "builder",
        });

        Assert.Equal(0, exitCode);
        Assert.Equal(["hello from runc", "1000", "1000", "/tmp", "builder", "2"], output);
    }

    [Fact]
    public async Task Exit_code_of_the_process_is_returned()
    {
        var (exitCode, _) = await RunAsync(new ContainerProcess { Args = ["/bin/sh", "-c", "exit 3"], Env = ["PATH=/bin"] });

        Assert.Equal(3, exitCode);
    }

    [Fact]
    public async Task Network_none_leaves_only_loopback()
    {
        var (exitCode, output) = await RunAsync(new ContainerProcess
        {
            Args = ["/bin/sh", "-c", "ls /sys/class/net"],
            Env = ["PATH=/bin"],
            Network = NetworkMode.None,
        });

        Assert.Equal(0, exitCode);
        Assert.Equal(["lo"], output);
    }

    [Fact]
    public async Task Process_sees_its_own_pid_namespace_and_the_standard_mounts()
    {
        var (exitCode, output) = await RunAsync(new ContainerProcess
        {
            Args = ["/bin/sh", "-c", "echo $$; test -d /proc/self && test -c /dev/null && test -d /dev/shm && echo mounts"],
            Env = ["PATH=/bin"],
        });

        Assert.Equal(0, exitCode);
        Assert.Equal(["1", "mounts"], output);
    }

    [Fact]
    public void Open_files_limit_never_exceeds_the_callers_hard_limit()
    {
        Assert.Equal(20_000UL, RuntimeSpec.OpenFilesLimit(20_000));
        Assert.Equal(1_048_576UL, RuntimeSpec.OpenFilesLimit(ulong.MaxValue));
    }

    [Fact]
    public void A_relative_working_directory_is_refused()
    {
        Assert.Throws<ArgumentException>(() => RuntimeSpec.Create(
            new ContainerProcess { Args = ["true"], WorkingDirectory = "tmp" }, "/r", "/h", "/e", 1024));
    }

    [Fact]
    public void Find_without_a_request_prefers_runc()
    {
        var runtime = OciRuntime.Find(requested: null, _work.Combine("state"));

        Assert.Equal("runc", Path.GetFileName(runtime.Executable));
        Assert.True(Path.IsPathFullyQualified(runtime.Executable));
    }

    [Theory]
    [InlineData("runc")]
    [InlineData("crun")]
    public void Find_locates_a_runtime_named_on_path(string name)
    {
        var runtime = OciRuntime.Find(name, _work.Combine("state"));

        Assert.Equal(name, Path.GetFileName(runtime.Executable));
        Assert.True(File.Exists(runtime.Executable));
    }

    [Fact]
    public void Find_takes_a_runtime_given_by_path_as_it_is()
    {
        var crun = OciRuntime.Find("crun", _work.Combine("state")).Executable;

        var runtime = OciRuntime.Find(crun, _work.Combine("state"));

        Assert.Equal(crun, runtime.Executable);
    }

    [Fact]
    public void Find_of_a_name_not_on_path_says_so()
    {
        var error = Assert.Throws<FileNotFoundException>(() => OciRuntime.Find("hyper-no-such-runtime", _work.Combine("state")));

        Assert.StartsWith("OCI runtime 'hyper-no-such-runtime' not found on PATH", error.Message, StringComparison.Ordinal);
        Assert.Equal("hyper-no-such-runtime", error.FileName);
    }

    [Fact]
    public void Find_of_a_missing_path_says_the_file_does_not_exist()
    {
        var missing = _work.Combine("bin", "runc");

        var error = Assert.Throws<FileNotFoundException>(() => OciRuntime.Find(missing, _work.Combine("state")));

        Assert.Equal($"OCI runtime '{missing}' does not exist or is not an executable file", error.Message);
    }

    [Fact]
    public void Find_refuses_a_file_that_is_not_executable()
    {
        var notExecutable = _work.Combine("runc");
        File.WriteAllText(notExecutable, "#!/bin/sh\n");
        File.SetUnixFileMode(notExecutable, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Throws<FileNotFoundException>(() => OciRuntime.Find(notExecutable, _work.Combine("state")));
    }

    private async Task<(int ExitCode, List<string> Output)> RunAsync(ContainerProcess process)
    {
        var rootfs = Directory.CreateDirectory(_work.Combine("bundle", "rootfs")).FullName;
        foreach (var dir in new[] { "bin", "etc", "tmp", "proc", "dev", "sys" })
        {
            Directory.CreateDirectory(Path.Combine(rootfs, dir));
        }

        File.Copy("/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
        var applets = await ExternalProcess.RunCheckedAsync("/bin/busybox", "--list");
        foreach (var applet in applets.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (applet != "busybox")
            {
                File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
            }
        }

        var hosts = _work.Combine("hosts");
        await File.WriteAllTextAsync(hosts, RuntimeSpec.HostsFile(process.Hostname));
        var resolv = _work.Combine("resolv.conf");
        await File.WriteAllTextAsync(resolv, "nameserver 127.0.0.1\n");
        await File.WriteAllBytesAsync(_work.Combine("bundle", "config.json"), RuntimeSpec.Create(process, rootfs, hosts, resolv, 20_000));

        var output = new List<string>();
        var runtime = new OciRuntime("runc", _work.Combine("runc-state"));
        var exitCode = await runtime.RunAsync(_work.Combine("bundle"), "hyper-test-" + Guid.NewGuid().ToString("N")[..12], line =>
        {
            lock (output)
            {
                output.Add(line);
            }
        }, CancellationToken.None);
        return (exitCode, output);
    }
}
