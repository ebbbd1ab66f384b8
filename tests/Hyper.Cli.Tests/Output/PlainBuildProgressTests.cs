using Hyper.Build.Engine;
using Hyper.Cli.Output;

namespace Hyper.Cli.Tests.Output;

/// <summary>The lines BuildKit's <c>--progress=plain</c> prints, on a clock the test moves by hand.</summary>
public sealed class PlainBuildProgressTests
{
    private readonly ManualClock _clock = new();
    private readonly StringWriter _output = new() { NewLine = "\n" };

    [Fact]
    public void A_step_prints_its_name_its_output_with_times_since_it_started_and_done_with_its_duration()
    {
        var progress = new PlainBuildProgress(_output, _clock);
        var step = new BuildVertex(5, "[2/2] RUN echo 1");

        _clock.Advance(TimeSpan.FromSeconds(17)); // earlier steps: the output times do not count them
        progress.Started(step);
        _clock.Advance(TimeSpan.FromMilliseconds(84));
        progress.Output(step, "1");
        _clock.Advance(TimeSpan.FromMilliseconds(1_200));
        progress.Output(step, "two words");
        progress.Finished(step, TimeSpan.FromMilliseconds(1_340), error: null);

        Assert.Equal(
            "#5 [2/2] RUN echo 1\n#5 0.084 1\n#5 1.284 two words\n#5 DONE 1.3s\n\n",
            _output.ToString());
    }

    [Fact]
    public void A_failed_step_ends_with_its_error()
    {
        var progress = new PlainBuildProgress(_output, _clock);
        var step = new BuildVertex(3, "[build 1/3] RUN make");

        progress.Started(step);
        progress.Output(step, "make: *** No rule to make target 'all'.  Stop.");
        progress.Finished(step, TimeSpan.FromSeconds(0.2), "process \"/bin/sh -c make\" did not complete successfully: exit code: 2");

        Assert.Equal(
            "#3 [build 1/3] RUN make\n" +
            "#3 0.000 make: *** No rule to make target 'all'.  Stop.\n" +
            "#3 ERROR: process \"/bin/sh -c make\" did not complete successfully: exit code: 2\n\n",
            _output.ToString());
    }

    [Fact]
    public void Steps_are_numbered_as_given_and_separated_by_a_blank_line()
    {
        var progress = new PlainBuildProgress(_output, _clock);
        var load = new BuildVertex(1, "[internal] load build definition from Dockerfile");
        var from = new BuildVertex(2, "[1/2] FROM docker.io/library/busybox:latest");

        progress.Started(load);
        progress.Finished(load, TimeSpan.FromMilliseconds(20), error: null);
        progress.Started(from);
        progress.Finished(from, TimeSpan.FromSeconds(10.04), error: null);

        Assert.Equal(
            "#1 [internal] load build definition from Dockerfile\n#1 DONE 0.0s\n\n" +
            "#2 [1/2] FROM docker.io/library/busybox:latest\n#2 DONE 10.0s\n\n",
            _output.ToString());
    }

    [Fact]
    public void Interleaved_steps_each_time_their_output_from_their_own_start()
    {
        var progress = new PlainBuildProgress(_output, _clock);
        var first = new BuildVertex(4, "[a 2/2] RUN sleep 1");
        var second = new BuildVertex(6, "[b 2/2] RUN sleep 1");

        progress.Started(first);
        _clock.Advance(TimeSpan.FromSeconds(2));
        progress.Started(second);
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        progress.Output(first, "a");
        progress.Output(second, "b");

        Assert.Equal(
            "#4 [a 2/2] RUN sleep 1\n#4 ...\n\n" +
            "#6 [b 2/2] RUN sleep 1\n#6 ...\n\n" +
            "#4 [a 2/2] RUN sleep 1\n#4 2.500 a\n#4 ...\n\n" +
            "#6 [b 2/2] RUN sleep 1\n#6 0.500 b\n",
            _output.ToString());
    }

    [Fact]
    public void A_step_finishing_while_another_was_printing_is_named_again_before_its_result()
    {
        var progress = new PlainBuildProgress(_output, _clock);
        var first = new BuildVertex(4, "[a 2/2] RUN sleep 1");
        var second = new BuildVertex(6, "[b 2/2] RUN sleep 1");

        progress.Started(first);
        progress.Started(second);
        progress.Output(second, "b");
        progress.Finished(first, TimeSpan.FromSeconds(1), error: null);
        progress.Finished(second, TimeSpan.FromSeconds(1), "canceled");

        Assert.Equal(
            "#4 [a 2/2] RUN sleep 1\n#4 ...\n\n" +
            "#6 [b 2/2] RUN sleep 1\n#6 0.000 b\n#6 ...\n\n" +
            "#4 [a 2/2] RUN sleep 1\n#4 DONE 1.0s\n\n" +
            "#6 [b 2/2] RUN sleep 1\n#6 ERROR: canceled\n\n",
            _output.ToString());
    }

    [Fact]
    public void Steps_reported_from_many_threads_at_once_keep_every_line_whole_and_named()
    {
        var progress = new PlainBuildProgress(_output, _clock);
        var vertices = Enumerable.Range(1, 8).Select(static n => new BuildVertex(n, $"[s{n} 2/2] RUN work")).ToList();

        Parallel.ForEach(vertices, vertex =>
        {
            progress.Started(vertex);
            for (var i = 0; i < 50; i++)
            {
                progress.Output(vertex, $"line {i} of {vertex.Number}");
            }

            progress.Finished(vertex, TimeSpan.FromSeconds(1), error: null);
        });

        // Every output line sits in a block opened by its own step's name.
        var open = 0;
        foreach (var line in _output.ToString().Split('\n'))
        {
            if (line.Length == 0 || line.EndsWith(" ...", StringComparison.Ordinal))
            {
                open = 0;
            }
            else if (line.Contains(" RUN work", StringComparison.Ordinal))
            {
                open = int.Parse(line[1..line.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.Contains(" line ", StringComparison.Ordinal))
            {
                Assert.EndsWith($" of {open}", line, StringComparison.Ordinal);
            }
        }

        Assert.Equal(8 * 50, _output.ToString().Split('\n').Count(static l => l.Contains(" line ", StringComparison.Ordinal)));
        Assert.Equal(8, _output.ToString().Split('\n').Count(static l => l.Contains(" DONE ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(0, "0.000")]
    [InlineData(84, "0.084")]
    [InlineData(9_999, "9.999")]
    [InlineData(10_000, "10.00")]
    [InlineData(12_345, "12.35")]
    [InlineData(99_990, "99.99")]
    [InlineData(100_000, "100.0")]
    [InlineData(754_321, "754.3")]
    public void Output_times_keep_about_the_same_width_as_BuildKit_prints_them(int milliseconds, string expected)
    {
        Assert.Equal(expected, PlainBuildProgress.LogTime(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData(0, "0.0s")]
    [InlineData(49, "0.0s")]
    [InlineData(1_250, "1.3s")]
    [InlineData(61_000, "61.0s")]
    public void Durations_are_seconds_with_one_decimal(int milliseconds, string expected)
    {
        Assert.Equal(expected, PlainBuildProgress.Seconds(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Fact]
    public void A_step_taken_from_the_cache_prints_cached_instead_of_a_duration()
    {
        var progress = new PlainBuildProgress(_output, _clock);
        var step = new BuildVertex(4, "[2/3] COPY . /app");

        progress.Started(step);
        progress.Cached(step);

        Assert.Equal("#4 [2/3] COPY . /app\n#4 CACHED\n\n", _output.ToString());
    }

    /// <summary>A clock that moves only when told to.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
