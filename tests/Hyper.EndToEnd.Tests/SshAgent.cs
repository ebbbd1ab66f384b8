using System.Diagnostics;

namespace Hyper.EndToEnd.Tests;

/// <summary>
/// A real ssh-agent of the test's own, listening on a socket in a temporary directory and holding one
/// fresh ed25519 key, whose comment <see cref="KeyComment"/> is what <c>ssh-add -l</c> shows of it.
/// </summary>
public sealed class SshAgent : IDisposable
{
    public const string KeyComment = "hyper-e2e-ssh-key";

    private readonly TempDirectory _directory;
    private readonly Process _process;

    private SshAgent(TempDirectory directory, Process process)
    {
        _directory = directory;
        _process = process;
    }

    /// <summary>The agent's socket, what SSH_AUTH_SOCK would be.</summary>
    public string Socket => _directory.Combine("agent.sock");

    /// <summary>Starts the agent (in the foreground, so that disposing stops it) and adds the key.</summary>
    public static async Task<SshAgent> StartAsync()
    {
        Assert.True(File.Exists("/usr/bin/ssh-agent"), "/usr/bin/ssh-agent is missing: apt-get install openssh-client");
        var directory = new TempDirectory();
        var startInfo = new ProcessStartInfo("ssh-agent") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-D", "-a", directory.Combine("agent.sock") })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var agent = new SshAgent(directory, Process.Start(startInfo) ?? throw new InvalidOperationException("could not start ssh-agent"));
        try
        {
            for (var i = 0; i < 100 && !File.Exists(agent.Socket); i++)
            {
                await Task.Delay(50);
            }

            var key = directory.Combine("key");
            await ExternalProcess.RunCheckedAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", string.Empty, "-C", KeyComment, "-f", key);
            var added = await ExternalProcess.RunAsync("ssh-add", new Dictionary<string, string?> { ["SSH_AUTH_SOCK"] = agent.Socket }, null, key);
            Assert.True(added.ExitCode == 0, $"ssh-add failed: {added}");
            return agent;
        }
        catch
        {
            agent.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Copies the host's ssh-add with the libraries it links and their loader into <paramref name="directory"/>,
    /// so that a busybox container can run it as <c>DIR/LOADER --library-path DIR DIR/ssh-add</c>; returns the loader's file name.
    /// </summary>
    public static async Task<string> CopySshAddAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        File.Copy("/usr/bin/ssh-add", Path.Combine(directory, "ssh-add"));
        var ldd = await ExternalProcess.RunCheckedAsync("ldd", "/usr/bin/ssh-add");
        string? loader = null;
        foreach (var line in ldd.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var arrow = line.IndexOf("=> ", StringComparison.Ordinal);
            var path = (arrow >= 0 ? line[(arrow + 3)..] : line).Split(' ')[0];
            if (!path.StartsWith('/'))
            {
                continue;
            }

            File.Copy(path, Path.Combine(directory, Path.GetFileName(path)), overwrite: true);
            if (arrow < 0)
            {
                loader = Path.GetFileName(path);
            }
        }

        return loader ?? throw new InvalidOperationException($"ldd names no loader for ssh-add:\n{ldd}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        _directory.Dispose();
    }
}
