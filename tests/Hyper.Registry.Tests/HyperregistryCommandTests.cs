using System.CommandLine;

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

    [Fact]
    public async Task Serve_with_a_bad_configuration_exits_2_with_the_reason()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("bad.yml");
        await File.WriteAllTextAsync(path, "http:\n  addr: nowhere\n");
        using var error = new StringWriter();

        var exitCode = await HyperregistryCommand.Create().Parse(["serve", path]).InvokeAsync(new InvocationConfiguration { Error = error });

        Assert.Equal(2, exitCode);
        Assert.Contains("invalid listen address", error.ToString(), StringComparison.Ordinal);
    }
}
