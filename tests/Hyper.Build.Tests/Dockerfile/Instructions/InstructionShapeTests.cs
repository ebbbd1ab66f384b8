using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Oci;

namespace Hyper.Build.Tests.Dockerfile.Instructions;

public sealed class InstructionShapeTests
{
    [Theory]
    [InlineData("HEALTHCHECK --interval=30s --timeout=5s --start-period=1m30s --start-interval=500ms --retries=3 CMD curl -f http://localhost/")]
    public void Healthcheck_reads_go_durations_and_retries(string line)
    {
        var health = Assert.IsType<HealthcheckInstruction>(Dockerfiles.Instruction(line));

        Assert.Equal(TimeSpan.FromSeconds(30), health.Interval);
        Assert.Equal(TimeSpan.FromSeconds(5), health.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(90), health.StartPeriod);
        Assert.Equal(TimeSpan.FromMilliseconds(500), health.StartInterval);
        Assert.Equal(3, health.Retries);
        Assert.Equal(["CMD-SHELL", "curl -f http://localhost/"], health.Test);
    }

    [Fact]
    public void Healthcheck_exec_form_and_none()
    {
        var exec = Assert.IsType<HealthcheckInstruction>(Dockerfiles.Instruction("HEALTHCHECK CMD [\"/bin/check\", \"-q\"]"));
        var none = Assert.IsType<HealthcheckInstruction>(Dockerfiles.Instruction("HEALTHCHECK NONE"));

        Assert.Equal(["CMD", "/bin/check", "-q"], exec.Test);
        Assert.Equal(["NONE"], none.Test);
    }

    [Theory]
    [InlineData("HEALTHCHECK --interval=30 CMD true", "time: missing unit in duration \"30\"")]
    [InlineData("HEALTHCHECK --interval=5d CMD true", "time: unknown unit \"d\" in duration \"5d\"")]
    [InlineData("HEALTHCHECK --timeout=soon CMD true", "time: invalid duration \"soon\"")]
    [InlineData("HEALTHCHECK --interval=500us CMD true", "Interval \"interval\" cannot be less than 1ms")]
    [InlineData("HEALTHCHECK --retries=-1 CMD true", "--retries cannot be negative (-1)")]
    [InlineData("HEALTHCHECK --retries=many CMD true", "strconv.ParseInt: parsing \"many\": invalid syntax")]
    [InlineData("HEALTHCHECK --every=5s CMD true", "unknown flag: --every")]
    public void Healthcheck_rejects_bad_durations_and_retries(string line, string reason)
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Instruction(line));

        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [InlineData("1h2m3.5s", 3723.5)]
    [InlineData("-1.5m", -90)]
    [InlineData("0", 0)]
    [InlineData("250ms", 0.25)]
    [InlineData("1500\u00b5s", 0.0015)]
    public void Go_durations_parse_like_time_ParseDuration(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out var duration, out var error), error);

        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Fact]
    public void Env_keeps_pairs_in_order_and_marks_the_legacy_form()
    {
        var modern = Assert.IsType<EnvInstruction>(Dockerfiles.Instruction("ENV A=1 B=\"two words\""));
        var legacy = Assert.IsType<EnvInstruction>(Dockerfiles.Instruction("ENV A 1"));

        Assert.Equal([new KeyValue("A", "1"), new KeyValue("B", "\"two words\"")], modern.Variables);
        Assert.Equal([new KeyValue("A", "1", IsLegacyForm: true)], legacy.Variables);
    }

    [Fact]
    public void Arg_reads_names_defaults_and_descriptions_from_comments()
    {
        var document = DockerfileParser.Parse("# VERSION The release to build\nARG VERSION=1.0 EMPTY\nFROM alpine\n");

        var parsed = InstructionParser.Parse(document);

        var arg = Assert.Single(parsed.GlobalArgs);
        Assert.Equal(new ArgDefinition("VERSION", "1.0", "The release to build"), arg.Arguments[0]);
        Assert.Equal(new ArgDefinition("EMPTY", null), arg.Arguments[1]);
    }

    [Fact]
    public void Copy_here_documents_become_inline_sources()
    {
        var copy = Assert.IsType<CopyInstruction>(Dockerfiles.Instruction("COPY <<EOF /etc/motd\nhello $USER\nEOF\n"));

        var content = Assert.Single(copy.SourceContents);
        Assert.Equal("EOF", content.Path);
        Assert.Equal("hello $USER\n", content.Data);
        Assert.True(content.Expand);
        Assert.Empty(copy.Sources);
    }

    [Theory]
    [InlineData("COPY onlyone", "COPY requires at least two arguments, but only one was provided. Destination could not be determined")]
    [InlineData("WORKDIR", "WORKDIR requires exactly one argument")]
    [InlineData("ONBUILD FROM alpine", "FROM isn't allowed as an ONBUILD trigger")]
    [InlineData("HEALTHCHECK NONE now", "HEALTHCHECK NONE takes no arguments")]
    [InlineData("HEALTHCHECK RUN true", "Unknown type \"RUN\" in HEALTHCHECK (try CMD)")]
    public void Malformed_instructions_name_the_problem(string line, string reason)
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Instruction(line));

        Assert.Equal(reason, error.Reason);
        Assert.Equal("Dockerfile", error.FileName);
    }

    [Fact]
    public void Instructions_before_the_first_from_other_than_arg_are_rejected()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Read("ARG A=1\nRUN echo\nFROM alpine\n"));

        Assert.Equal("no build stage in current context", error.Reason);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Stages_are_numbered_and_hold_their_instructions()
    {
        var parsed = Dockerfiles.Read("ARG BASE=alpine\nFROM $BASE AS one\nRUN a\nFROM scratch\nCOPY --from=one / /\n");

        Assert.Single(parsed.GlobalArgs);
        Assert.Equal(2, parsed.Stages.Count);
        Assert.Equal("one", parsed.Stages[0].DisplayName);
        Assert.Equal("stage-1", parsed.Stages[1].DisplayName);
        Assert.IsType<RunInstruction>(Assert.Single(parsed.Stages[0].Instructions));
    }
}
