using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Solver;

namespace Hyper.Build.Tests.Solver;

public sealed class StageGraphTests
{
    private const string MultiStage = """
        FROM golang:1.22 AS build
        RUN go build -o /app
        FROM alpine AS tools
        RUN apk add curl
        FROM node:20 AS docs
        RUN npm run docs
        FROM scratch AS release
        COPY --from=build /app /app
        COPY --from=tools /usr/bin/curl /curl
        FROM release AS final
        LABEL ok=1
        """;

    [Fact]
    public void Stages_not_needed_by_the_target_are_skipped()
    {
        var plan = Dockerfiles.Plan(MultiStage, "release");

        Assert.Equal(["build", "tools", "release"], plan.RequiredStages.Select(static s => s.DisplayName));
        Assert.False(plan.FindStage("docs")!.IsRequired);
        Assert.Empty(plan.FindStage("docs")!.Steps);
        Assert.False(plan.FindStage("final")!.IsRequired);
    }

    [Fact]
    public void Independent_stages_share_a_group_so_they_can_run_in_parallel()
    {
        var plan = Dockerfiles.Plan(MultiStage);

        Assert.Equal(
            [["build", "tools"], ["release"], ["final"]],
            plan.Groups.Select(static g => g.Select(static s => s.DisplayName).ToArray()));
        Assert.Equal(["build", "tools"], plan.FindStage("release")!.Dependencies.Select(static s => s.DisplayName));
        Assert.Equal(["release"], plan.Target.Dependencies.Select(static s => s.DisplayName));
    }

    [Fact]
    public void Targets_are_found_case_insensitively()
    {
        var plan = Dockerfiles.Plan(MultiStage, "TOOLS");

        Assert.Equal("tools", plan.Target.Name);
        Assert.Equal(["tools"], plan.RequiredStages.Select(static s => s.DisplayName));
    }

    [Fact]
    public void An_unknown_target_is_an_error_listing_the_stages()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Plan(MultiStage, "relase"));

        Assert.Equal("target stage \"relase\" could not be found (did you mean release?)", error.Reason);
        Assert.Equal("the stages are: build, tools, docs, release, final", error.Hint);
    }

    [Fact]
    public void Copy_from_takes_a_stage_index_or_name_and_anything_else_is_an_image()
    {
        var plan = Dockerfiles.Plan("""
            FROM alpine AS zero
            FROM alpine
            COPY --from=0 /a /a
            COPY --from=ZERO /b /b
            COPY --from=nginx:1.27 /etc/nginx /etc/nginx
            """);

        var sources = plan.Target.Steps.Select(static s => Assert.Single(s.Sources)).ToList();
        Assert.Equal((ContentSourceKind.Stage, 0), (sources[0].Kind, sources[0].StageIndex!.Value));
        Assert.Equal((ContentSourceKind.Stage, 0), (sources[1].Kind, sources[1].StageIndex!.Value));
        Assert.Equal(ContentSourceKind.Image, sources[2].Kind);
        Assert.Equal("docker.io/library/nginx:1.27", sources[2].Image!.ToString());
        Assert.Equal(["zero"], plan.Target.Dependencies.Select(static s => s.DisplayName));
    }

    [Fact]
    public void From_a_stage_builds_on_it()
    {
        var plan = Dockerfiles.Plan("FROM alpine AS base\nWORKDIR /app\nFROM base\nRUN ls\n");

        Assert.Equal(ContentSourceKind.Stage, plan.Target.Base.Kind);
        Assert.Same(plan.Stages[0], plan.Target.BaseStage);
        Assert.Equal(ContentSourceKind.Image, plan.Stages[0].Base.Kind);
    }

    [Fact]
    public void Run_mount_from_a_stage_is_a_dependency()
    {
        var plan = Dockerfiles.Plan("FROM alpine AS assets\nRUN make\nFROM alpine\nRUN --mount=from=assets,target=/assets --mount=type=cache,target=/c cp -r /assets /srv\n");

        var step = plan.Target.Steps[0];
        Assert.Equal([ContentSourceKind.Stage, ContentSourceKind.Scratch], step.Sources.Select(static s => s.Kind));
        Assert.Equal(["assets"], plan.Target.Dependencies.Select(static s => s.DisplayName));
        Assert.True(plan.Stages[0].IsRequired);
    }

    [Fact]
    public void An_invalid_stage_index_is_an_error()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Plan("FROM alpine\nCOPY --from=3 /a /a\n"));

        Assert.Equal("invalid stage index 3", error.Reason);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void A_cycle_between_stages_is_an_error_naming_the_chain()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Plan("""
            FROM alpine AS a
            COPY --from=b /x /x
            FROM alpine AS b
            COPY --from=a /y /y
            """));

        Assert.StartsWith("circular dependency detected on stage: ", error.Reason, StringComparison.Ordinal);
        Assert.Contains("a -> b -> a", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stage_copying_from_itself_is_a_cycle()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Plan("FROM alpine AS me\nCOPY --from=me /a /b\n"));

        Assert.Equal("circular dependency detected on stage: me", error.Reason);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Copying_from_a_stage_defined_later_is_an_error()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Plan("FROM alpine AS first\nCOPY --from=second /a /a\nFROM alpine AS second\nFROM first\n"));

        Assert.Equal("cannot copy from stage \"second\", it needs to be defined before current stage \"first\"", error.Reason);
    }

    [Fact]
    public void Mounting_from_a_stage_defined_later_is_an_error()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Plan("FROM alpine AS first\nRUN --mount=from=second,target=/s ls\nFROM alpine AS second\nFROM first\n"));

        Assert.Equal("cannot mount from stage \"second\", stage needs to be defined before current command", error.Reason);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void A_failed_plan_keeps_the_steps_checked_before_the_error()
    {
        var attempt = BuildPlanner.TryPlan(
            Dockerfiles.Read("FROM alpine AS ok\nRUN true\nFROM ok\nENV A=1\nSTOPSIGNAL NOPE\n"), new BuildOptions { BuildPlatform = Dockerfiles.Amd64 });

        Assert.Equal(5, attempt.Error!.Line);
        Assert.Single(attempt.Plan!.Stages[0].Steps);
        Assert.IsType<EnvInstruction>(Assert.Single(attempt.Plan.Stages[1].Steps).Instruction);
    }

    [Fact]
    public void From_naming_a_later_stage_means_an_image_as_in_buildkit()
    {
        var plan = Dockerfiles.Plan("FROM later AS first\nFROM alpine AS later\n", "first");

        Assert.Equal(ContentSourceKind.Image, plan.Target.Base.Kind);
        Assert.Equal("docker.io/library/later:latest", plan.Target.Base.Image!.ToString());
    }

    [Fact]
    public void Copy_from_with_a_variable_is_refused()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Plan("ARG SRC=build\nFROM alpine AS build\nFROM alpine\nCOPY --from=$SRC /a /a\n"));

        Assert.StartsWith("variable expansion is not supported for --from", error.Reason, StringComparison.Ordinal);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void A_from_that_is_not_a_valid_image_says_so_and_hints_at_stage_case()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Plan("FROM alpine AS builder\nFROM Builder\n"));

        Assert.StartsWith("failed to parse stage name \"Builder\"", error.Reason, StringComparison.Ordinal);
        Assert.Equal("stage names are lower case here: write builder", error.Hint);
    }

    [Fact]
    public void A_blank_base_name_is_an_error()
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Plan("ARG IMAGE\nFROM $IMAGE\n"));

        Assert.Equal("base name ($IMAGE) should not be blank", error.Reason);
    }

    [Fact]
    public void Onbuild_triggers_of_a_base_stage_run_first_in_the_stage_built_on_it()
    {
        var plan = Dockerfiles.Plan("FROM alpine AS base\nONBUILD COPY . /src\nFROM base\nRUN make\n");

        Assert.IsType<CopyInstruction>(plan.Target.Steps[0].Instruction);
        Assert.Equal(3, plan.Target.Steps[0].Instruction.Line);
        Assert.IsType<RunInstruction>(plan.Target.Steps[1].Instruction);
    }

    [Theory]
    [InlineData("FROM alpine\nRUN --mount=type=cache,target=/x,sharing=sometimes true\n", "unsupported sharing value \"sometimes\"")]
    [InlineData("FROM alpine\nRUN --mount=type=cache true\n", "invalid mount target \"/\"")]
    [InlineData("FROM alpine\nCOPY --chmod=888 a /b\n", "invalid chmod parameter: '888'. it should be octal string and between 0 and 07777")]
    [InlineData("FROM alpine\nCOPY https://example.com/a /b\n", "source can't be a URL for COPY")]
    [InlineData("FROM alpine\nADD --checksum=sha256:abc local.txt /b\n", "checksum requires HTTP(S) or Git sources")]
    [InlineData("FROM alpine\nEXPOSE 80/http\n", "invalid port: \"80/http\": invalid proto: http")]
    [InlineData("FROM alpine\nSTOPSIGNAL SIGNOPE\n", "Invalid signal: SIGNOPE")]
    [InlineData("FROM alpine\nRUN --device=nvidia.com/gpu=all nvidia-smi\n", "device feature is only supported in Dockerfile frontend 1.14.0-labs or later")]
    [InlineData("FROM --platform=bogus alpine\n", "failed to parse platform bogus")]
    public void Values_checked_once_expanded_are_errors_at_their_line(string dockerfile, string reason)
    {
        var error = Assert.Throws<DockerfileException>(() => Dockerfiles.Plan(dockerfile));

        Assert.StartsWith(reason, error.Reason, StringComparison.Ordinal);
        Assert.Equal(dockerfile.Split('\n').Count(static l => l.Length > 0), error.Line);
    }

    [Theory]
    [InlineData("arm64", "linux/arm64")]
    [InlineData("aarch64", "linux/arm64")]
    [InlineData("amd64", "linux/amd64")]
    [InlineData("x86_64", "linux/amd64")]
    [InlineData("armhf", "linux/arm")]
    [InlineData("linux", null)]
    public void A_single_word_FROM_platform_is_an_architecture_on_this_os_or_an_os_on_this_architecture(string platform, string? expected)
    {
        var plan = Dockerfiles.Plan($"FROM --platform={platform} alpine\n");

        Assert.Equal(expected ?? $"linux/{Hyper.Oci.Platform.Current.Architecture}", plan.Target.Platform.ToString());
    }

    [Fact]
    public void Errors_in_stages_the_target_does_not_need_are_not_reported()
    {
        var plan = Dockerfiles.Plan("FROM alpine AS broken\nRUN --mount=type=volume true\nFROM alpine AS fine\nRUN true\n", "fine");

        Assert.Equal("fine", plan.Target.Name);
        Assert.False(plan.Stages[0].IsPlanned);
    }

    [Fact]
    public void Mounts_expose_secret_and_ssh_ids_for_the_outline()
    {
        var plan = Dockerfiles.Plan("FROM alpine\nRUN --mount=type=secret,id=npm,required --mount=type=ssh,id=github npm ci\n");

        var mounts = plan.Step<RunInstruction>().Mounts;
        Assert.Equal(["npm", null], mounts.Select(static m => m.SecretId));
        Assert.Equal([new OutlineCredential("npm", true, 2)], plan.Outline.Secrets);
        Assert.Equal([new OutlineCredential("github", false, 2)], plan.Outline.Ssh);
    }
}
