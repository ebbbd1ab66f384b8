using System.Diagnostics;

namespace Hyper.EndToEnd.Tests;

public sealed class CancellationTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private readonly BuildWorkspace _workspace = new(busybox);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Cancelling_a_running_RUN_stops_it_promptly_and_leaves_nothing_behind()
    {
        // A duration no other process on the machine is likely to sleep for, to find this one by.
        var duration = $"59.{Random.Shared.Next(100_000, 999_999)}";
        _workspace.WriteDockerfile($"""
            FROM busybox
            RUN echo started && sleep {duration}
            """);
        using var cancellation = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();

        // BuildAsync checks for mounts, snapshots, bundles and runc state left behind once the build returns.
        var building = _workspace.BuildAsync(["-t", "app:cancelled"], cancellation.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await cancellation.CancelAsync();
        var result = await building;

        Assert.Contains("started", result.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, result.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the build took {clock.Elapsed} to stop");
        Assert.DoesNotContain(ProcessCommandLines(), line => line.Contains($"sleep\0{duration}", StringComparison.Ordinal));
    }

    /// <summary>The command lines of every process on the machine, arguments separated by NUL as /proc has them.</summary>
    internal static List<string> ProcessCommandLines()
    {
        var lines = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc").Where(static d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                lines.Add(File.ReadAllText(Path.Combine(directory, "cmdline")));
            }
            catch (IOException)
            {
                // The process ended while the list was read.
            }
        }

        return lines;
    }
}
