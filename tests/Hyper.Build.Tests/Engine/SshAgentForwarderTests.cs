using System.Net.Sockets;
using System.Text;

using Hyper.Build.Engine;

namespace Hyper.Build.Tests.Engine;

public sealed class SshAgentForwarderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Each_connection_reaches_the_agent_and_the_answer_comes_back_after_a_half_close()
    {
        var agentPath = _temp.Combine("agent.sock");
        using var agent = Listen(agentPath);
        var accepted = 0;
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                using var connection = await agent.AcceptAsync();
                Interlocked.Increment(ref accepted);
                var request = await ReadToEndAsync(connection);
                await connection.SendAsync(Encoding.ASCII.GetBytes("answer:" + request));
                connection.Shutdown(SocketShutdown.Send);
            }
        });
        var forwarderPath = _temp.Combine("forwarder.sock");
        using var forwarder = SshAgentForwarder.Start(forwarderPath, agentPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, 0, 0);

        var answers = new List<string>();
        foreach (var request in new[] { "one", "two" })
        {
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(new UnixDomainSocketEndPoint(forwarderPath));
            await client.SendAsync(Encoding.ASCII.GetBytes(request));
            client.Shutdown(SocketShutdown.Send);
            answers.Add(await ReadToEndAsync(client));
        }

        await serving.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["answer:one", "answer:two"], answers);
        Assert.Equal(2, accepted);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(forwarderPath));
    }

    [Fact]
    public async Task Disposing_removes_the_socket_and_cuts_open_connections()
    {
        var agentPath = _temp.Combine("agent.sock");
        using var agent = Listen(agentPath);
        var forwarderPath = _temp.Combine("forwarder.sock");
        var forwarder = SshAgentForwarder.Start(forwarderPath, agentPath, UnixFileMode.UserRead | UnixFileMode.UserWrite, 0, 0);
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(forwarderPath));
        using var served = await agent.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));

        forwarder.Dispose();

        Assert.False(File.Exists(forwarderPath));
        var read = await client.ReceiveAsync(new byte[16], SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, read);
    }

    private static Socket Listen(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen(4);
        return socket;
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        var text = new StringBuilder();
        var buffer = new byte[64];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
