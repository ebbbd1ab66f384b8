using System.CommandLine;
using System.Net;
using System.Net.Sockets;

namespace Hyper.Registry.Tests;

public sealed class HyperregistryCommandTests
{
    [Fact]
    public void Help_lists_the_serve_command()
    {
        using var output = new StringWriter();

        var exitCode = HyperregistryCommand.Create().Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });

        Assert.Equal(0, exitCode);
        Assert.Contains("serve", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http:\n  addr: nowhere\n", "http.addr: invalid listen address 'nowhere'")]
    [InlineData("database:\n  url: postgresql://db.example.com/registry\n", "database.url: 'postgresql://db.example.com/registry' is not supported")]
    [InlineData("storage:\n  s3:\n    bucket: images\n", "storage.s3.bucket: 'images' is not supported")]
    [InlineData("http:\n  tls:\n    certificate: /etc/registry/cert.pem\n    key: /etc/registry/key.pem\n", "http.tls.certificate: '/etc/registry/cert.pem' is not supported")]
    [InlineData("auth:\n  htpasswd:\n    path: /etc/registry/htpasswd\n", "auth.htpasswd.path: '/etc/registry/htpasswd' is not supported")]
    [InlineData("storage:\n  delete:\n    enabled: maybe\n", "storage.delete.enabled: 'maybe' is not true or false")]
    [InlineData("http: [unclosed\n", "invalid YAML")]
    public async Task Serve_with_a_bad_or_unsupported_setting_exits_2_with_one_line_naming_it(string yaml, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("config.yml");
        await File.WriteAllTextAsync(path, yaml);

        var (exitCode, error) = await ServeAsync(path);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, OneLine(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_a_missing_configuration_file_exits_2_with_one_line_naming_it()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("absent.yml");

        var (exitCode, error) = await ServeAsync(path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"{path}: cannot read the configuration", OneLine(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_exits_2_with_one_line_naming_http_addr()
    {
        using var dir = new TempDirectory();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var address = $"127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        var path = await WriteConfigAsync(dir, $"http:\n  addr: {address}\nstorage:\n  filesystem:\n    rootdirectory: {dir.Combine("data")}\n");

        var (exitCode, error) = await ServeAsync(path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"http.addr: '{address}' cannot be listened on", OneLine(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_a_root_directory_that_cannot_be_created_exits_2_with_one_line_naming_it()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        var root = Path.Combine(file, "data");
        var path = await WriteConfigAsync(dir, $"http:\n  addr: 127.0.0.1:0\nstorage:\n  filesystem:\n    rootdirectory: {root}\n");

        var (exitCode, error) = await ServeAsync(path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"storage.filesystem.rootdirectory: '{root}' cannot be used", OneLine(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_a_database_that_cannot_be_opened_exits_2_with_one_line_naming_it()
    {
        using var dir = new TempDirectory();
        var url = $"sqlite:{dir.Path}";
        var path = await WriteConfigAsync(dir, $"http:\n  addr: 127.0.0.1:0\nstorage:\n  filesystem:\n    rootdirectory: {dir.Combine("data")}\ndatabase:\n  url: {url}\n");

        var (exitCode, error) = await ServeAsync(path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"database.url: '{url}' cannot be opened", OneLine(error), StringComparison.Ordinal);
    }

    private static async Task<string> WriteConfigAsync(TempDirectory dir, string yaml)
    {
        var path = dir.Combine("config.yml");
        await File.WriteAllTextAsync(path, yaml);
        return path;
    }

    /// <summary>Runs <c>hyperregistry serve</c>; a server that starts after all is stopped, so the test fails rather than hangs.</summary>
    private static async Task<(int ExitCode, string Error)> ServeAsync(string configPath)
    {
        using var error = new StringWriter();
        using var output = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exitCode = await HyperregistryCommand.Create().Parse(["serve", configPath])
            .InvokeAsync(new InvocationConfiguration { Error = error, Output = output }, timeout.Token);
        return (exitCode, error.ToString());
    }

    /// <summary>The error output, asserted to be one line and no stack trace.</summary>
    private static string OneLine(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got:\n{error}");
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.StartsWith("hyperregistry: ", lines[0], StringComparison.Ordinal);
        return lines[0];
    }
}
