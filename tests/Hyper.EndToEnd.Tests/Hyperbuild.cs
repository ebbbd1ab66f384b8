using System.CommandLine;

using Hyper.Cli;

namespace Hyper.EndToEnd.Tests;

/// <summary>Runs the hyperbuild command line in this process, as a user would type it, capturing what it prints.</summary>
public static class Hyperbuild
{
    public static Task<HyperbuildResult> RunAsync(params string[] arguments) => RunAsync(arguments, CancellationToken.None);

    /// <summary>Runs hyperbuild with <paramref name="cancellationToken"/> standing for Ctrl-C.</summary>
    public static async Task<HyperbuildResult> RunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await HyperbuildCommand.Create().Parse(arguments).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        return new HyperbuildResult(exitCode, output.ToString(), error.ToString());
    }
}
