using Hyper.Distribution.Progress;

namespace Hyper.Cli.Output;

/// <summary>
/// Shows <see cref="TransferProgress"/> reports to a person: live bars on a terminal, one line per
/// state change otherwise (CI logs, pipes), so that logs stay readable and diffable.
/// </summary>
public abstract class ProgressView
{
    /// <summary>Runs <paramref name="work"/>, showing what it reports until it finishes.</summary>
    public abstract Task RunAsync(Func<IProgress<TransferProgress>, Task> work);

    /// <summary>
    /// The view for this process: <c>tty</c> for bars, <c>plain</c> for lines, <c>auto</c> to choose
    /// bars only when standard error is a terminal (docker's and BuildKit's <c>--progress</c> values).
    /// </summary>
    public static ProgressView Create(string mode, TextWriter plainOutput) => mode switch
    {
        "tty" => new TerminalProgressView(),
        "plain" => new PlainProgressView(plainOutput),
        "auto" => Console.IsErrorRedirected ? new PlainProgressView(plainOutput) : new TerminalProgressView(),
        _ => throw new ArgumentException($"unknown progress mode '{mode}': use auto, tty or plain", nameof(mode)),
    };
}
