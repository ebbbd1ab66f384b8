using System.Text.RegularExpressions;

using Hyper.Build.Engine;
using Hyper.Cli.Output;

namespace Hyper.Cli.Tests.Output;

/// <summary>The tty view's last frame, which stays on the terminal when the build ends.</summary>
public sealed class TerminalBuildProgressTests
{
    [Fact]
    public async Task The_last_frame_shows_the_total_each_step_with_its_time_and_cached_steps_as_cached()
    {
        using var terminal = new StringWriter();
        var progress = new TerminalBuildProgress(terminal);
        var copy = new BuildVertex(1, "[stage-0 2/3] COPY . /app");
        var build = new BuildVertex(2, "[stage-0 3/3] RUN make");
        var test = new BuildVertex(3, "[test 2/2] RUN make test");

        await progress.RunAsync(() =>
        {
            progress.Started(copy);
            progress.Cached(copy);

            // Two steps running at once, as parallel stages do.
            progress.Started(build);
            progress.Started(test);
            progress.Output(test, "ok 1 - parser");
            progress.Finished(test, TimeSpan.FromSeconds(2.5), error: null);
            progress.Finished(build, TimeSpan.FromSeconds(1.25), error: null);
            return Task.FromResult(true);
        });

        // Colours and cursor moves out: what is left is what a reader sees.
        var text = Regex.Replace(terminal.ToString(), "\u001b\\[[0-9;?]*[A-Za-z]", string.Empty);
        var last = text[text.LastIndexOf("[+] Building", StringComparison.Ordinal)..];
        Assert.Contains("(3/3) FINISHED", last, StringComparison.Ordinal);
        Assert.Contains("=> [stage-0 2/3] COPY . /app CACHED", last, StringComparison.Ordinal);
        Assert.Contains("=> [stage-0 3/3] RUN make 1.3s", last, StringComparison.Ordinal);
        Assert.Contains("=> [test 2/2] RUN make test 2.5s", last, StringComparison.Ordinal);
    }
}
