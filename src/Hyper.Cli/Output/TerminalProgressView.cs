using Hyper.Distribution.Progress;

using Spectre.Console;

namespace Hyper.Cli.Output;

/// <summary>Live progress bars with bytes and speed per item, drawn with Spectre.Console on standard error.</summary>
public sealed class TerminalProgressView : ProgressView
{
    private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });

    public override Task RunAsync(Func<IProgress<TransferProgress>, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new DownloadedColumn(),
                new TransferSpeedColumn(),
                new RemainingTimeColumn())
            .StartAsync(context => work(new TaskProgress(context)));
    }

    /// <summary>Maps reports onto Spectre tasks, one task per item id, created on first sight.</summary>
    private sealed class TaskProgress(ProgressContext context) : IProgress<TransferProgress>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = [];
        private readonly Lock _lock = new();

        public void Report(TransferProgress value)
        {
            lock (_lock)
            {
                if (!_tasks.TryGetValue(value.Id, out var task))
                {
                    task = context.AddTask(Markup.Escape(value.Description), autoStart: false, maxValue: Math.Max(1, value.Total ?? 1));
                    _tasks[value.Id] = task;
                }

                if (value.Total is { } total)
                {
                    task.MaxValue = Math.Max(1, total);
                }

                switch (value.State)
                {
                    case TransferState.Running:
                        task.StartTask();
                        task.Value = value.Completed;
                        break;
                    case TransferState.Done or TransferState.Skipped:
                        task.Description = Markup.Escape($"{value.Description} ({value.State.ToString().ToLowerInvariant()})");
                        task.Value = task.MaxValue;
                        task.StopTask();
                        break;
                    case TransferState.Failed:
                        task.Description = $"[red]{Markup.Escape(value.Description)} (failed)[/]";
                        task.StopTask();
                        break;
                    case TransferState.Waiting:
                        break;
                }
            }
        }
    }
}
