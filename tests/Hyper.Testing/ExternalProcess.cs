using System.Diagnostics;

namespace Hyper.Testing;

/// <summary>Runs a real tool (skopeo, umoci, …) and returns what it printed.</summary>
public static class ExternalProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
    }

    public static async Task<Result> RunAsync(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the tool and fails the test with its output unless it exits 0.</summary>
    public static async Task<Result> RunCheckedAsync(string fileName, params string[] arguments)
    {
        var result = await RunAsync(fileName, arguments);
        Assert.True(result.ExitCode == 0, $"{fileName} {string.Join(' ', arguments)} failed: {result}");
        return result;
    }
}
