using System.Collections.Concurrent;
using System.Net.Sockets;

using Hyper.Build.Execution;

namespace Hyper.Build.Engine;

/// <summary>
/// A Unix socket that forwards each connection to an ssh-agent's socket, as BuildKit gives
/// <c>RUN --mount=type=ssh</c>: the container gets a socket of its own, owned and moded as the mount asks,
/// without the host socket being changed, and the host path stays hidden. Lives as long as one step.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class SshAgentForwarder : IDisposable
{
    private const int CopyBufferSize = 16 * 1024;

    private readonly Socket _listener;
    private readonly string _path;
    private readonly string _agent;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, bool> _open = new();

    private SshAgentForwarder(Socket listener, string path, string agent)
    {
        _listener = listener;
        _path = path;
        _agent = agent;
        _ = AcceptAsync();
    }

    /// <summary>Listens at <paramref name="path"/> (a new socket with the mode and owner given) for connections to forward to <paramref name="agent"/>.</summary>
    public static SshAgentForwarder Start(string path, string agent, UnixFileMode mode, int uid, int gid)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));

            // Before Listen, so that no connection gets in while the socket has the umask's permissions.
            File.SetUnixFileMode(path, mode);
            LibC.Lchown(path, uid, gid);
            listener.Listen(16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new SshAgentForwarder(listener, path, agent);
    }

    /// <summary>Stops listening and cuts the connections still open: a process the step left behind loses the agent with it.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        foreach (var socket in _open.Keys)
        {
            socket.Dispose();
        }

        _stop.Dispose();
        File.Delete(_path);
    }

    private async Task AcceptAsync()
    {
        var token = _stop.Token;
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ForwardAsync(client, token);
        }
    }

    private async Task ForwardAsync(Socket client, CancellationToken token)
    {
        using var agent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _open[client] = true;
        _open[agent] = true;
        try
        {
            await agent.ConnectAsync(new UnixDomainSocketEndPoint(_agent), token).ConfigureAwait(false);
            await Task.WhenAll(CopyAsync(client, agent, token), CopyAsync(agent, client, token)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            // The agent went away or the step ended: the client sees its connection close, as it would if the agent died.
        }
        finally
        {
            _open.TryRemove(client, out _);
            _open.TryRemove(agent, out _);
            client.Dispose();
        }
    }

    /// <summary>
    /// Copies one direction until its end closes, then passes the end on (half-close), so a client that
    /// shuts down its sending side still reads the agent's answer. A failure cuts both ways at once.
    /// </summary>
    private static async Task CopyAsync(Socket from, Socket to, CancellationToken token)
    {
        var buffer = new byte[CopyBufferSize];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false)) > 0)
            {
                var sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, token).ConfigureAwait(false);
                }
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch
        {
            from.Dispose();
            to.Dispose();
            throw;
        }
    }
}
