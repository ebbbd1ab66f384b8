using Hyper.Build.Layers;

namespace Hyper.Build.Engine;

/// <summary>
/// Checks a path given for <c>--ssh ID=SOCKET</c>: it must be an ssh-agent's Unix socket. BuildKit also
/// accepts private key files, for which it runs an agent of its own; hyperbuild does not.
/// </summary>
public static class SshAgentSocket
{
    private const uint SocketType = 0xC000;

    /// <summary>The full path of the socket at <paramref name="path"/> (symbolic links followed).</summary>
    /// <exception cref="IOException">Nothing is there, or a key file, or something else that is no socket; the message says which.</exception>
    public static string Check(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var resolved = Path.Exists(full) ? new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full : full;
        var status = LinuxFiles.TryLstat(resolved)
            ?? throw new FileNotFoundException($"ssh agent socket {path} does not exist", path);
        if (status.IsRegularFile)
        {
            throw new IOException($"{path} is a file: key files are not supported, use an ssh-agent socket (ssh-add the key and give $SSH_AUTH_SOCK)");
        }

        if (status.Type != SocketType)
        {
            throw new IOException($"{path} is not a socket: give an ssh-agent socket, e.g. $SSH_AUTH_SOCK");
        }

        return full;
    }
}
