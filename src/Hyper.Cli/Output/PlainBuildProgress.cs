using System.Diagnostics;
using System.Globalization;

using Hyper.Build.Engine;

namespace Hyper.Cli.Output;

/// <summary>
/// Build progress as BuildKit's <c>--progress=plain</c> prints it: <c>#N name</c> when a step starts, its
/// output as <c>#N 0.123 line</c> (seconds since the build started), and <c>#N DONE 1.2s</c> or
/// <c>#N ERROR: …</c> when it ends, with a blank line between steps.
/// </summary>
public sealed class PlainBuildProgress(TextWriter output) : IBuildProgress
{
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Started(BuildVertex vertex)
    {
        ArgumentNullException.ThrowIfNull(vertex);
        lock (_lock)
        {
            output.WriteLine($"#{vertex.Number} {vertex.Name}");
        }
    }

    public void Output(BuildVertex vertex, string line)
    {
        ArgumentNullException.ThrowIfNull(vertex);
        lock (_lock)
        {
            output.WriteLine($"#{vertex.Number} {_clock.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} {line}");
        }
    }

    public void Finished(BuildVertex vertex, TimeSpan duration, string? error)
    {
        ArgumentNullException.ThrowIfNull(vertex);
        lock (_lock)
        {
            output.WriteLine(error is null
                ? $"#{vertex.Number} DONE {Seconds(duration)}"
                : $"#{vertex.Number} ERROR: {error}");
            output.WriteLine();
            output.Flush();
        }
    }

    /// <summary>A duration as BuildKit prints it: seconds with one decimal.</summary>
    public static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
}
