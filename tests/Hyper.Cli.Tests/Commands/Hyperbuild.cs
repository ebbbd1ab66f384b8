using System.CommandLine;

namespace Hyper.Cli.Tests.Commands;

/// <summary>Runs the hyperbuild command line in this process, as a user would type it, capturing what it prints.</summary>
internal static class Hyperbuild
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await HyperbuildCommand.Create().Parse(arguments).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs and fails the test, showing what was printed, unless the command succeeded.</summary>
    public static async Task<string> RunCheckedAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync(arguments);
        Assert.True(exitCode == 0, $"hyperbuild {string.Join(' ', arguments)} exited {exitCode}:\n{error}\n{output}");
        return output;
    }
}
