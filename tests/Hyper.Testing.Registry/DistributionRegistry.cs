using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hyper.Testing.Registry;

/// <summary>
/// A real CNCF Distribution 2.8 (Debian's <c>docker-registry</c>) started by hand on a free 127.0.0.1
/// port, with filesystem storage and htpasswd auth (bcrypt, made by <c>htpasswd -B</c>) in a temporary
/// directory; stopped and removed on dispose. scripts/install-deps.sh installs both packages.
/// </summary>
public sealed class DistributionRegistry : IAsyncDisposable
{
    private const string Program = "/usr/bin/docker-registry";

    private readonly TempDirectory _directory;
    private readonly Process _process;
    private readonly StringBuilder _log;

    private DistributionRegistry(TempDirectory directory, Process process, StringBuilder log, int port, string user, string password)
    {
        _directory = directory;
        _process = process;
        _log = log;
        HostAndPort = $"127.0.0.1:{port}";
        User = user;
        Password = password;
    }

    /// <summary>host:port, as references name the registry.</summary>
    public string HostAndPort { get; }

    public string User { get; }

    public string Password { get; }

    /// <summary>What the registry wrote, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<DistributionRegistry> StartAsync(string user = "hyper", string password = "hyper-pass")
    {
        Assert.True(File.Exists(Program), $"{Program} is missing: run scripts/install-deps.sh (Debian package docker-registry)");
        var directory = new TempDirectory();
        try
        {
            var htpasswd = await ExternalProcess.RunCheckedAsync("htpasswd", "-Bbn", user, password);
            await File.WriteAllTextAsync(directory.Combine("htpasswd"), htpasswd.StandardOutput.Trim() + "\n");
            // A port found free may be taken before the registry binds it; another is tried then.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                await File.WriteAllTextAsync(directory.Combine("config.yml"), Config(directory, port));
                var log = new StringBuilder();
                var process = Start(directory.Combine("config.yml"), log);
                if (await WaitUntilServingAsync(process, port))
                {
                    return new DistributionRegistry(directory, process, log, port, user, password);
                }

                Stop(process);
                if (attempt == 3)
                {
                    Assert.Fail($"docker-registry did not start on 127.0.0.1:{port}:\n{log}");
                }
            }
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Pushes the image tagged <paramref name="layoutTag"/> in an OCI layout with skopeo, authenticated.</summary>
    public Task PushWithSkopeoAsync(string layoutPath, string layoutTag, string repositoryAndTag) =>
        ExternalProcess.RunCheckedAsync(
            "skopeo", "--insecure-policy", "copy", "--dest-creds", $"{User}:{Password}", "--dest-tls-verify=false",
            $"oci:{layoutPath}:{layoutTag}", $"docker://{HostAndPort}/{repositoryAndTag}");

    public ValueTask DisposeAsync()
    {
        Stop(_process);
        _process.Dispose();
        _directory.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Config(TempDirectory directory, int port) => $"""
        version: 0.1
        log:
          level: warn
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: {directory.Combine("data")}
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        auth:
          htpasswd:
            realm: test
            path: {directory.Combine("htpasswd")}
        http:
          addr: 127.0.0.1:{port}
        """;

    private static Process Start(string config, StringBuilder log)
    {
        var startInfo = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("serve");
        startInfo.ArgumentList.Add(config);
        var process = new Process { StartInfo = startInfo };
        DataReceivedEventHandler append = (_, line) =>
        {
            lock (log)
            {
                log.AppendLine(line.Data);
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>True once <c>/v2/</c> answers (401, as auth is on); false if the process ended first.</summary>
    private static async Task<bool> WaitUntilServingAsync(Process process, int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/v2/"));
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
