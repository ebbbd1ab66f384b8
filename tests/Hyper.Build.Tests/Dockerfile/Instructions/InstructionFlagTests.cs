using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Tests.Dockerfile.Instructions;

public sealed class InstructionFlagTests
{
    [Fact]
    public void Copy_reads_every_flag_the_reference_documents()
    {
        var copy = Assert.IsType<CopyInstruction>(Dockerfiles.Instruction(
            "COPY --from=build --chown=app:app --chmod=0644 --link --parents --exclude=*.md --exclude=tests/ a b /dst/"));

        Assert.Equal("build", copy.From);
        Assert.Equal("app:app", copy.Chown);
        Assert.Equal("0644", copy.Chmod);
        Assert.True(copy.Link);
        Assert.True(copy.Parents);
        Assert.Equal(["*.md", "tests/"], copy.Excludes);
        Assert.Equal(["a", "b"], copy.Sources);
        Assert.Equal("/dst/", copy.Destination);
    }

    [Fact]
    public void Add_reads_checksum_keep_git_dir_unpack_and_the_shared_flags()
    {
        var add = Assert.IsType<AddInstruction>(Dockerfiles.Instruction(
            "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d --keep-git-dir=false --unpack --link --chmod=755 --exclude=x https://example.com/a.tar.gz /opt/"));

        Assert.StartsWith("sha256:2445", add.Checksum, StringComparison.Ordinal);
        Assert.False(add.KeepGitDir);
        Assert.True(add.Unpack);
        Assert.True(add.Link);
        Assert.Equal("755", add.Chmod);
        Assert.Equal(["x"], add.Excludes);
    }

    [Fact]
    public void Boolean_flags_not_written_stay_unset_so_defaults_can_apply()
    {
        var add = Assert.IsType<AddInstruction>(Dockerfiles.Instruction("ADD app.tar.gz /opt/"));

        Assert.Null(add.KeepGitDir);
        Assert.Null(add.Unpack);
        Assert.False(add.Link);
    }

    [Fact]
    public void An_unknown_flag_is_rejected_with_a_suggestion_and_the_valid_flags()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Instruction("COPY --frm=build /a /b"));

        // BuildKit suggests the bare flag name; the hint spells the flags out.
        Assert.Equal("unknown flag: --frm (did you mean from?)", error.Reason);
        Assert.Equal("COPY accepts --from, --chown, --chmod, --link, --parents, --exclude", error.Hint);
        Assert.Equal(1, error.Line);
        Assert.Equal("COPY --frm=build /a /b", error.Instruction);
    }

    [Fact]
    public void Copy_rejects_the_flags_only_add_has()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Instruction("COPY --checksum=sha256:abc a /b"));

        Assert.StartsWith("unknown flag: --checksum", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Instructions_without_flags_reject_any_flag()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Instruction("WORKDIR --mode=700 /app"));

        Assert.Equal("unknown flag: --mode", error.Reason);
        Assert.Equal("WORKDIR takes no flags", error.Hint);
    }

    [Theory]
    [InlineData("COPY --from=a --from=b x /y", "duplicate flag specified: --from")]
    [InlineData("COPY --link --link x /y", "duplicate flag specified: --link")]
    [InlineData("COPY --link=maybe x /y", "expecting boolean value for flag --link, not: maybe")]
    [InlineData("COPY --link= x /y", "missing a value on flag: --link")]
    [InlineData("COPY --from x /y", "missing a value on flag: --from")]
    [InlineData("RUN --network=bridge true", "invalid network mode \"bridge\"")]
    [InlineData("RUN --security=privileged true", "security \"privileged\" is not valid")]
    [InlineData("RUN --mount=type=bind,from=$STAGE,target=/x true", "'from' doesn't support variable expansion, define alias stage instead")]
    [InlineData("FROM --platform alpine", "missing a value on flag: --platform")]
    public void Invalid_flag_values_are_rejected_as_buildkit_words_them(string line, string reason)
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Instruction(line));

        Assert.Equal(reason, error.Reason);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public void Run_reads_network_security_and_repeated_mounts()
    {
        var run = Assert.IsType<RunInstruction>(Dockerfiles.Instruction(
            "RUN --network=none --security=insecure --mount=type=cache,target=/root/.cache --mount=type=secret,id=npm make"));

        Assert.Equal(RunNetwork.None, run.Network);
        Assert.Equal(RunSecurity.Insecure, run.Security);
        Assert.Equal(["type=cache,target=/root/.cache", "type=secret,id=npm"], run.MountSpecifications);
        Assert.Equal(["make"], run.Command.Arguments);
        Assert.True(run.Command.PrependShell);
    }

    [Fact]
    public void Exclude_repeats_while_single_value_flags_do_not()
    {
        var node = Dockerfiles.Node("copy", ["src", "/dst"], ["--exclude=a", "--exclude=b", "--exclude=c"]);

        var copy = Assert.IsType<CopyInstruction>(InstructionParser.ParseInstruction(node));

        Assert.Equal(["a", "b", "c"], copy.Excludes);
    }

    [Fact]
    public void A_double_dash_ends_the_flags()
    {
        var node = Dockerfiles.Node("copy", ["src", "/dst"], ["--link", "--", "--bogus"]);

        var copy = Assert.IsType<CopyInstruction>(InstructionParser.ParseInstruction(node));

        Assert.True(copy.Link);
    }

    [Fact]
    public void From_reads_platform_and_lower_cases_the_stage_name()
    {
        var from = Assert.IsType<FromInstruction>(Dockerfiles.Instruction("FROM --platform=$BUILDPLATFORM golang:1.22 AS Builder"));

        Assert.Equal("$BUILDPLATFORM", from.Platform);
        Assert.Equal("golang:1.22", from.BaseName);
        Assert.Equal("builder", from.StageName);
        Assert.Equal("Builder", from.StageNameAsWritten);
    }

    [Theory]
    [InlineData("FROM alpine AS 1st", "invalid name for build stage: \"1st\", name can't start with a number or contain symbols")]
    [InlineData("FROM alpine AS my/stage", "invalid name for build stage: \"my/stage\", name can't start with a number or contain symbols")]
    [InlineData("FROM alpine AS", "FROM requires either one or three arguments")]
    [InlineData("FROM alpine BE name", "FROM requires either one or three arguments")]
    public void From_rejects_bad_stage_names_and_shapes(string line, string reason)
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Instruction(line));

        Assert.Equal(reason, error.Reason);
    }

    [Fact]
    public void Arg_and_stopsignal_ignore_flags_as_buildkit_does()
    {
        var arg = Assert.IsType<ArgInstruction>(InstructionParser.ParseInstruction(Dockerfiles.Node("arg", ["A=1"], ["--whatever"])));
        var stop = Assert.IsType<StopSignalInstruction>(InstructionParser.ParseInstruction(Dockerfiles.Node("stopsignal", ["SIGINT"], ["--x=y"])));

        Assert.Equal("1", arg.Arguments[0].Default);
        Assert.Equal("SIGINT", stop.Signal);
    }
}
