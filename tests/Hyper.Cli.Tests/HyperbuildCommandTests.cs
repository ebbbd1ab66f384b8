using System.CommandLine;

namespace Hyper.Cli.Tests;

public sealed class HyperbuildCommandTests
{
    [Fact]
    public void Help_shows_usage_and_every_command()
    {
        var root = HyperbuildCommand.Create();
        using var output = new StringWriter();

        var exitCode = root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });

        Assert.Equal(0, exitCode);
        var help = output.ToString();
        Assert.Contains("Usage:", help, StringComparison.Ordinal);
        Assert.Contains("hyperbuild", help, StringComparison.Ordinal);
        foreach (var command in root.Subcommands)
        {
            Assert.Contains(command.Name, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Unknown_command_fails_with_an_error()
    {
        using var error = new StringWriter();

        var exitCode = HyperbuildCommand.Create().Parse(["frobnicate"]).Invoke(new InvocationConfiguration { Output = TextWriter.Null, Error = error });

        Assert.NotEqual(0, exitCode);
        Assert.Contains("frobnicate", error.ToString(), StringComparison.Ordinal);
    }
}
