using System.Diagnostics;

namespace Hyper.Build.Tests.Solver;

/// <summary>Long runs of metadata instructions cost time and memory in proportion to their number, not its square.</summary>
public sealed class PlanScalingTests
{
    [Fact]
    public void Forty_thousand_LABEL_lines_parse_and_plan_in_under_five_seconds()
    {
        var text = "FROM scratch\n" + string.Concat(Enumerable.Range(0, 40_000).Select(static i => $"LABEL l{i}=v{i}\n"));

        var clock = Stopwatch.StartNew();
        var plan = Dockerfiles.Plan(text);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal(40_000, plan.Target.Steps.Count);
    }

    [Fact]
    public void A_chain_of_twenty_thousand_ENV_each_using_the_last_plans_in_linear_time_and_memory()
    {
        // Each step keeps the variables it saw; a copy per step made this take a minute and 6 GB.
        var text = "FROM scratch\nENV V0=x\n" + string.Concat(Enumerable.Range(1, 19_999).Select(static i => $"ENV V{i}=$V{i - 1}\n"));
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var clock = Stopwatch.StartNew();
        var plan = Dockerfiles.Plan(text);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore, 0, 1L << 30);
        var last = plan.Target.Steps[^1];
        Assert.Equal("x", last.Environment["V19998"]);
        Assert.Equal(20_000, last.Environment.Count);
    }

    [Fact]
    public void Each_step_sees_the_variables_as_they_were_before_it_in_the_order_they_were_first_set()
    {
        var plan = Dockerfiles.Plan("""
            FROM scratch
            ENV B=1
            ENV A=2
            ARG C=3
            ENV B=4
            LABEL done=1
            """);

        var steps = plan.Target.Steps;
        Assert.Equal(["PATH", "B"], steps[1].Environment.Keys);
        Assert.Equal("1", steps[3].Environment["B"]);
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "B=4", "A=2", "C=3"], steps[4].Environment.Select(static e => $"{e.Key}={e.Value}"));
    }
}
