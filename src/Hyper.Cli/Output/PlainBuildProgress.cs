using System.Globalization;

using Hyper.Build.Engine;

namespace Hyper.Cli.Output;

/// <summary>
/// Build progress as BuildKit's <c>--progress=plain</c> prints it: <c>#N name</c> when a step starts, its
/// output as <c>#N 0.123 line</c> (seconds since that step started), and <c>#N DONE 1.2s</c> or
/// <c>#N ERROR: …</c> when it ends, with a blank line between steps. Steps running in parallel interleave
/// as BuildKit interleaves them: when another step has something to say, the open one is left with
/// <c>#N ...</c> and the other's <c>#M name</c> is repeated before its lines, so every line still says whose it is.
/// </summary>
/// <param name="output">Where the lines go.</param>
/// <param name="time">The clock; the system's unless a test gives its own.</param>
public sealed class PlainBuildProgress(TextWriter output, TimeProvider? time = null) : IBuildProgress
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<int, long> _startedAt = [];

    /// <summary>The step whose lines were printed last, while it runs: the block that is open.</summary>
    private BuildVertex? _current;

    public void Started(BuildVertex vertex)
    {
        ArgumentNullException.ThrowIfNull(vertex);
        lock (_lock)
        {
            _startedAt[vertex.Number] = _time.GetTimestamp();
            LeaveCurrent();
            output.WriteLine($"#{vertex.Number} {vertex.Name}");
            _current = vertex;
        }
    }

    public void Output(BuildVertex vertex, string line)
    {
        ArgumentNullException.ThrowIfNull(vertex);
        lock (_lock)
        {
            SwitchTo(vertex);
            var elapsed = _startedAt.TryGetValue(vertex.Number, out var started) ? _time.GetElapsedTime(started) : TimeSpan.Zero;
            output.WriteLine($"#{vertex.Number} {LogTime(elapsed)} {line}");
        }
    }

    /// <summary>BuildKit's line for a step taken from the cache: <c>#N CACHED</c>.</summary>
    public void Cached(BuildVertex vertex)
    {
        ArgumentNullException.ThrowIfNull(vertex);
        lock (_lock)
        {
            SwitchTo(vertex);
            _startedAt.Remove(vertex.Number);
            _current = null;
            output.WriteLine($"#{vertex.Number} CACHED");
            output.WriteLine();
            output.Flush();
        }
    }

    public void Finished(BuildVertex vertex, TimeSpan duration, string? error)
    {
        ArgumentNullException.ThrowIfNull(vertex);
        lock (_lock)
        {
            SwitchTo(vertex);
            _startedAt.Remove(vertex.Number);
            _current = null;
            output.WriteLine(error is null
                ? $"#{vertex.Number} DONE {Seconds(duration)}"
                : $"#{vertex.Number} ERROR: {error}");
            output.WriteLine();
            output.Flush();
        }
    }

    /// <summary>Makes <paramref name="vertex"/> the open block, repeating its name when another step's lines came between.</summary>
    private void SwitchTo(BuildVertex vertex)
    {
        if (_current?.Number == vertex.Number)
        {
            return;
        }

        LeaveCurrent();
        output.WriteLine($"#{vertex.Number} {vertex.Name}");
        _current = vertex;
    }

    /// <summary>Closes the open block of a step still running (<c>#N ...</c>, as BuildKit marks it), so another's lines can follow.</summary>
    private void LeaveCurrent()
    {
        if (_current is { } open)
        {
            output.WriteLine($"#{open.Number} ...");
            output.WriteLine();
            _current = null;
        }
    }

    /// <summary>A duration as BuildKit prints it: seconds with one decimal.</summary>
    public static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    /// <summary>
    /// The time before an output line as BuildKit prints it: seconds since the step started, with three
    /// decimals under 10 s, two under 100 s, one after, so the column stays about as wide.
    /// </summary>
    public static string LogTime(TimeSpan sinceStart)
    {
        var seconds = sinceStart.TotalSeconds;
        var format = seconds < 10 ? "0.000" : seconds < 100 ? "0.00" : "0.0";
        return seconds.ToString(format, CultureInfo.InvariantCulture);
    }
}
