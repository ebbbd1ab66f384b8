using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Solver;
using Hyper.Oci;

namespace Hyper.Build.Tests.Solver;

public sealed class ArgumentScopeTests
{
    [Fact]
    public void A_global_arg_is_usable_in_from_but_not_inside_a_stage_until_redeclared()
    {
        var plan = Dockerfiles.Plan("""
            ARG VERSION=3.20
            FROM alpine:${VERSION}
            LABEL before=$VERSION
            ARG VERSION
            LABEL after=$VERSION
            """);

        Assert.Equal("docker.io/library/alpine:3.20", plan.Target.Base.Image!.ToString());
        var labels = plan.Steps().OfType<LabelInstruction>().Select(static l => l.Labels[0]).ToList();
        Assert.Equal("", labels[0].Value);
        Assert.Equal("3.20", labels[1].Value);
        Assert.Equal("VERSION", Assert.Single(plan.Target.Steps[0].UndefinedVariables).Name);
    }

    [Fact]
    public void Build_args_override_global_and_stage_defaults()
    {
        var plan = Dockerfiles.PlanWithArgs(
            """
            ARG BASE=alpine
            FROM $BASE
            ARG MODE=debug
            ENV MODE=$MODE
            """,
            ("BASE", "debian:12"),
            ("MODE", "release"));

        Assert.Equal("docker.io/library/debian:12", plan.Target.Base.Image!.ToString());
        Assert.Equal(new KeyValue("MODE", "release"), plan.Step<EnvInstruction>().Variables[0]);
    }

    [Fact]
    public void A_build_arg_gives_a_value_only_to_declared_args()
    {
        var plan = Dockerfiles.PlanWithArgs("FROM alpine\nLABEL x=$UNDECLARED\n", ("UNDECLARED", "given"));

        Assert.Equal("", plan.Step<LabelInstruction>().Labels[0].Value);
    }

    [Fact]
    public void Env_set_after_an_arg_of_the_same_name_wins()
    {
        var plan = Dockerfiles.PlanWithArgs(
            """
            FROM alpine
            ARG CONT_IMG_VER
            ENV CONT_IMG_VER=v1.0.0
            WORKDIR /app/$CONT_IMG_VER
            """,
            ("CONT_IMG_VER", "v2.0.1"));

        Assert.Equal("/app/v1.0.0", plan.Step<WorkdirInstruction>().Path);
        Assert.Equal("v1.0.0", plan.Target.Steps[^1].Environment["CONT_IMG_VER"]);
    }

    [Fact]
    public void One_env_instruction_sees_the_values_from_before_it()
    {
        var plan = Dockerfiles.Plan("FROM alpine\nENV abc=hello\nENV abc=bye def=$abc\nENV ghi=$abc\n");

        var envs = plan.Steps().OfType<EnvInstruction>().ToList();
        Assert.Equal("hello", envs[1].Variables[1].Value);
        Assert.Equal("bye", envs[2].Variables[0].Value);
    }

    [Fact]
    public void Arg_defaults_expand_with_earlier_args_and_env()
    {
        var plan = Dockerfiles.Plan("FROM alpine\nENV PREFIX=/opt\nARG DIR=${PREFIX}/app\nWORKDIR $DIR\n");

        Assert.Equal("/opt/app", plan.Step<WorkdirInstruction>().Path);
    }

    [Fact]
    public void Args_of_a_stage_carry_into_stages_built_on_it_but_not_into_others()
    {
        var plan = Dockerfiles.Plan("""
            FROM alpine AS base
            ARG FLAVOR=mint
            FROM base AS child
            LABEL flavor=$FLAVOR
            FROM alpine AS other
            LABEL flavor=$FLAVOR
            """, new BuildOptions { BuildPlatform = Dockerfiles.Amd64, AllStages = true });

        Assert.Equal("mint", plan.FindStage("child")!.Steps.Select(static s => s.Instruction).OfType<LabelInstruction>().Single().Labels[0].Value);
        Assert.Equal("", plan.FindStage("other")!.Steps.Select(static s => s.Instruction).OfType<LabelInstruction>().Single().Labels[0].Value);
    }

    [Fact]
    public void Platform_args_come_from_the_target_and_build_platforms()
    {
        var plan = Dockerfiles.Plan(
            """
            FROM --platform=$BUILDPLATFORM golang:1.22 AS build
            ARG TARGETOS TARGETARCH TARGETVARIANT BUILDARCH
            ENV GOOS=$TARGETOS GOARCH=$TARGETARCH VARIANT=$TARGETVARIANT HOST=$BUILDARCH
            """,
            new BuildOptions { BuildPlatform = Dockerfiles.Amd64, TargetPlatform = Platform.Parse("linux/arm/v7") });

        Assert.Equal(Dockerfiles.Amd64, plan.Target.Platform);
        Assert.Equal(
            [new KeyValue("GOOS", "linux"), new KeyValue("GOARCH", "arm"), new KeyValue("VARIANT", "v7"), new KeyValue("HOST", "amd64")],
            plan.Step<EnvInstruction>().Variables);
        Assert.Equal("linux/arm/v7", plan.GlobalArguments["TARGETPLATFORM"]);
        Assert.Equal("linux/amd64", plan.GlobalArguments["BUILDPLATFORM"]);
    }

    [Fact]
    public void Without_platform_the_target_platform_is_the_build_platform()
    {
        var plan = Dockerfiles.Plan("FROM alpine\nARG TARGETPLATFORM\nLABEL p=$TARGETPLATFORM\n");

        Assert.Equal("linux/amd64", plan.Step<LabelInstruction>().Labels[0].Value);
        Assert.Equal(Dockerfiles.Amd64, plan.TargetPlatform);
    }

    [Fact]
    public void Proxy_args_need_no_declaration_and_are_handed_to_run_steps()
    {
        var plan = Dockerfiles.PlanWithArgs("FROM alpine\nRUN apk add curl\n", ("HTTPS_PROXY", "http://proxy:3128"), ("no_proxy", "localhost"), ("OTHER", "x"));

        Assert.Equal(new Dictionary<string, string> { ["HTTPS_PROXY"] = "http://proxy:3128", ["no_proxy"] = "localhost" }, plan.ProxyArguments);
        Assert.Empty(plan.Target.Steps[0].UndefinedVariables);
    }

    [Fact]
    public void Run_cmd_and_entrypoint_bodies_are_left_to_the_shell()
    {
        var plan = Dockerfiles.Plan("FROM alpine\nENV NAME=world\nRUN echo $NAME\nCMD echo $NAME\nENTRYPOINT [\"echo\", \"$NAME\"]\n");

        Assert.Equal(["echo $NAME"], plan.Step<RunInstruction>().Command.Arguments);
        Assert.Equal(["echo $NAME"], plan.Step<CmdInstruction>().Command.Arguments);
        Assert.Equal(["echo", "$NAME"], plan.Step<EntrypointInstruction>().Command.Arguments);
        Assert.All(plan.Target.Steps, static s => Assert.Empty(s.UndefinedVariables));
    }

    [Fact]
    public void Expansion_applies_to_the_instructions_the_reference_lists()
    {
        var plan = Dockerfiles.Plan("""
            FROM alpine
            ENV U=app P=8080 D=/data S=SIGTERM F=0755
            ADD --chown=$U --chmod=$F a.tar /opt/$U/
            COPY --chown=${U}:${U} src /srv/$U
            EXPOSE $P/udp
            LABEL owner=$U
            STOPSIGNAL $S
            USER $U
            VOLUME $D
            WORKDIR $D/$U
            """);

        var add = plan.Step<AddInstruction>();
        Assert.Equal(("app", "0755", "/opt/app/"), (add.Chown, add.Chmod, add.Destination));
        Assert.Equal(("app:app", "/srv/app"), (plan.Step<CopyInstruction>().Chown, plan.Step<CopyInstruction>().Destination));
        Assert.Equal(["8080/udp"], plan.Step<ExposeInstruction>().Ports);
        Assert.Equal("app", plan.Step<LabelInstruction>().Labels[0].Value);
        Assert.Equal("SIGTERM", plan.Step<StopSignalInstruction>().Signal);
        Assert.Equal("app", plan.Step<UserInstruction>().User);
        Assert.Equal(["/data"], plan.Step<VolumeInstruction>().Volumes);
        Assert.Equal("/data/app", plan.Step<WorkdirInstruction>().Path);
    }

    [Fact]
    public void Run_mount_values_are_expanded_while_the_command_is_not()
    {
        var plan = Dockerfiles.Plan("FROM alpine\nARG CACHE=/root/.cache\nRUN --mount=type=cache,target=$CACHE,id=$CACHE-x make $CACHE\n");

        var run = plan.Step<RunInstruction>();
        var mount = Assert.Single(run.Mounts);
        Assert.Equal(("/root/.cache", "/root/.cache-x"), (mount.Target, mount.Id));
        Assert.Equal(["make $CACHE"], run.Command.Arguments);
    }

    [Fact]
    public void Path_is_defined_even_when_nothing_set_it()
    {
        var plan = Dockerfiles.Plan("FROM scratch\nENV PATH=$PATH:/opt/bin\n");

        Assert.EndsWith(":/bin:/opt/bin", plan.Step<EnvInstruction>().Variables[0].Value, StringComparison.Ordinal);
        Assert.Empty(plan.Target.Steps[0].UndefinedVariables);
    }

    [Fact]
    public void A_known_image_environment_is_used_for_expansion()
    {
        var plan = Dockerfiles.Plan(
            "FROM golang:1.22\nENV PATH=$PATH:/opt/bin GOROOT_COPY=$GOROOT\n",
            new BuildOptions
            {
                BuildPlatform = Dockerfiles.Amd64,
                ImageEnvironment = (image, _) => image.Repository == "library/golang"
                    ? new Dictionary<string, string> { ["PATH"] = "/usr/local/go/bin:/usr/bin", ["GOROOT"] = "/usr/local/go" }
                    : null,
            });

        Assert.Equal(
            [new KeyValue("PATH", "/usr/local/go/bin:/usr/bin:/opt/bin"), new KeyValue("GOROOT_COPY", "/usr/local/go")],
            plan.Step<EnvInstruction>().Variables);
    }

    [Fact]
    public void Here_documents_expand_unless_their_delimiter_is_quoted()
    {
        var plan = Dockerfiles.Plan("FROM alpine\nENV NAME=world\nCOPY <<EOF <<'RAW' /etc/\nhello $NAME\nEOF\nhello $NAME\nRAW\n");

        var contents = plan.Step<CopyInstruction>().SourceContents;
        Assert.Equal("hello world\n", contents[0].Data);
        Assert.Equal("hello $NAME\n", contents[1].Data);
    }
}
