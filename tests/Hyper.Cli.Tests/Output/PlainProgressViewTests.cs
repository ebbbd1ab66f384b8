using Hyper.Cli.Output;
using Hyper.Distribution.Progress;

namespace Hyper.Cli.Tests.Output;

public sealed class PlainProgressViewTests
{
    [Fact]
    public async Task Plain_view_prints_one_line_per_state_change_in_report_order()
    {
        using var output = new StringWriter();
        var view = new PlainProgressView(output);

        await view.RunAsync(progress =>
        {
            progress.Report(new TransferProgress("a", "layer a", 0, 2048, TransferState.Waiting));
            progress.Report(new TransferProgress("a", "layer a", 0, 2048, TransferState.Running));
            progress.Report(new TransferProgress("a", "layer a", 1024, 2048, TransferState.Running));
            progress.Report(new TransferProgress("b", "config", 0, 10, TransferState.Skipped));
            progress.Report(new TransferProgress("a", "layer a", 2048, 2048, TransferState.Done));
            return Task.CompletedTask;
        });

        Assert.Equal(
            ["layer a waiting", "layer a running (2.0 KiB)", "config skipped", "layer a done 2.0 KiB"],
            output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Unknown_progress_mode_is_rejected_with_the_valid_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => ProgressView.Create("fancy", TextWriter.Null));

        Assert.Contains("auto, tty or plain", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(512L * 1024 * 1024, "512.0 MiB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.0 GiB")]
    public void Sizes_are_shown_in_binary_units(long bytes, string expected)
    {
        Assert.Equal(expected, ByteSize.Format(bytes));
    }
}
