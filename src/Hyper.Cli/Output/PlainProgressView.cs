using Hyper.Distribution.Progress;

namespace Hyper.Cli.Output;

/// <summary>Writes one line each time an item changes state; byte counts in between are not printed.</summary>
public sealed class PlainProgressView(TextWriter output) : ProgressView
{
    private readonly Dictionary<string, TransferState> _states = [];
    private readonly Lock _lock = new();

    public override async Task RunAsync(Func<IProgress<TransferProgress>, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await work(new SynchronousProgress(Report)).ConfigureAwait(false);
    }

    private void Report(TransferProgress progress)
    {
        lock (_lock)
        {
            if (_states.TryGetValue(progress.Id, out var previous) && previous == progress.State)
            {
                return;
            }

            _states[progress.Id] = progress.State;
            output.WriteLine(Describe(progress));
        }
    }

    /// <summary>The line for one report, e.g. <c>layer sha256:3f1e… done 1.2 MiB</c>.</summary>
    public static string Describe(TransferProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var state = progress.State.ToString().ToLowerInvariant();
        return progress.State switch
        {
            TransferState.Done => $"{progress.Description} {state} {ByteSize.Format(progress.Completed)}",
            TransferState.Running when progress.Total is { } total => $"{progress.Description} {state} ({ByteSize.Format(total)})",
            _ => $"{progress.Description} {state}",
        };
    }

    /// <summary>
    /// Calls back on the reporting thread: <see cref="Progress{T}"/> would post to the thread pool and
    /// could print reports out of order or after the work has finished.
    /// </summary>
    private sealed class SynchronousProgress(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }
}
