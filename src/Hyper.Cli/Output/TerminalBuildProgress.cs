using System.Diagnostics;

using Hyper.Build.Engine;

using Spectre.Console;
using Spectre.Console.Rendering;

namespace Hyper.Cli.Output;

/// <summary>
/// Build progress as a live view on a terminal, like BuildKit's tty display: a header with the elapsed
/// time and steps done, one line per step with its time, and the last lines of output of running steps.
/// </summary>
public sealed class TerminalBuildProgress : IBuildProgress
{
    /// <summary>Output lines shown under a running step; BuildKit shows about as many.</summary>
    private const int VisibleOutputLines = 6;

    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Step> _steps = [];
    private readonly IAnsiConsole _console;

    /// <summary>Empty while the build runs; then " FINISHED" or " ERROR".</summary>
    private string _outcome = string.Empty;

    public TerminalBuildProgress(TextWriter terminal)
    {
        _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(terminal) });
    }

    /// <summary>Shows the view, refreshed ten times a second, until <paramref name="work"/> ends; the last frame stays.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        T result = default!;
        await _console.Live(Render()).AutoClear(false).StartAsync(async context =>
        {
            var running = work();
            while (!running.IsCompleted)
            {
                context.UpdateTarget(Render());
                await Task.WhenAny(running, Task.Delay(100)).ConfigureAwait(false);
            }

            // The total stops with the work, and the last frame says how it ended, as BuildKit's does.
            _clock.Stop();
            _outcome = running.IsCompletedSuccessfully ? " FINISHED" : " ERROR";
            context.UpdateTarget(Render());
            result = await running.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }

    public void Started(BuildVertex vertex)
    {
        lock (_lock)
        {
            _steps.Add(new Step(vertex));
        }
    }

    public void Output(BuildVertex vertex, string line)
    {
        lock (_lock)
        {
            if (Find(vertex) is { } step)
            {
                step.Output.Enqueue(line);
                if (step.Output.Count > VisibleOutputLines)
                {
                    step.Output.Dequeue();
                }
            }
        }
    }

    public void Cached(BuildVertex vertex)
    {
        lock (_lock)
        {
            if (Find(vertex) is { } step)
            {
                step.Duration = TimeSpan.Zero;
                step.Cached = true;
            }
        }
    }

    public void Finished(BuildVertex vertex, TimeSpan duration, string? error)
    {
        lock (_lock)
        {
            if (Find(vertex) is { } step)
            {
                step.Duration = duration;
                step.Error = error;
            }
        }
    }

    private Step? Find(BuildVertex vertex) => _steps.FirstOrDefault(s => s.Vertex.Number == vertex.Number);

    private Rows Render()
    {
        lock (_lock)
        {
            var done = _steps.Count(static s => s.Duration is not null);
            var lines = new List<IRenderable>
            {
                new Markup($"[bold]{Markup.Escape($"[+] Building {PlainBuildProgress.Seconds(_clock.Elapsed)} ({done}/{_steps.Count}){_outcome}")}[/]"),
            };
            foreach (var step in _steps)
            {
                var time = PlainBuildProgress.Seconds(step.Duration ?? step.Clock.Elapsed);
                var text = Markup.Escape($" => {step.Vertex.Name}");
                lines.Add(step switch
                {
                    { Error: not null } => new Markup($"[red]{text} {Markup.Escape(time)}[/]"),
                    { Cached: true } => new Markup($"[blue]{text}[/] [grey]CACHED[/]"),
                    { Duration: not null } => new Markup($"[blue]{text}[/] [grey]{Markup.Escape(time)}[/]"),
                    _ => new Markup($"{text} [yellow]{Markup.Escape(time)}[/]"),
                });
                if (step.Duration is null || step.Error is not null)
                {
                    lines.AddRange(step.Output.Select(static o => new Markup($"[grey] => => {Markup.Escape(o)}[/]")));
                }
            }

            return new Rows(lines);
        }
    }

    private sealed class Step(BuildVertex vertex)
    {
        public BuildVertex Vertex { get; } = vertex;

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        public Queue<string> Output { get; } = new();

        public TimeSpan? Duration { get; set; }

        public string? Error { get; set; }

        public bool Cached { get; set; }
    }
}
