using Hyper.Build.Solver;

namespace Hyper.Build.Tests.Solver;

public sealed class OutlineTests
{
    private const string Dockerfile = """
        # GO_VERSION The Go toolchain to build with
        ARG GO_VERSION=1.22
        ARG UNUSED=1
        # build Compiles the binary
        FROM golang:${GO_VERSION} AS build
        # LDFLAGS Extra linker flags
        ARG LDFLAGS=-s
        ARG TARGETOS
        RUN --mount=type=secret,id=netrc go build
        # docs Renders the documentation
        FROM alpine AS docs
        ARG THEME=dark
        # release The image to ship
        FROM scratch AS release
        COPY --from=build /app /app
        """;

    [Fact]
    public void The_outline_lists_the_args_the_target_uses_with_their_comments()
    {
        var plan = Dockerfiles.Plan(Dockerfile);

        Assert.Equal("release", plan.Outline.Name);
        Assert.Equal("The image to ship", plan.Outline.Description);
        Assert.Equal(
            [new OutlineArgument("GO_VERSION", "1.22", "The Go toolchain to build with", 2), new OutlineArgument("LDFLAGS", "-s", "Extra linker flags", 7)],
            plan.Outline.Arguments);
        Assert.Equal([new OutlineCredential("netrc", false, 9)], plan.Outline.Secrets);
    }

    [Fact]
    public void The_outline_shows_build_arg_values_and_follows_the_target()
    {
        var plan = Dockerfiles.Plan(
            Dockerfile,
            new BuildOptions { BuildPlatform = Dockerfiles.Amd64, Target = "docs", BuildArgs = new Dictionary<string, string> { ["THEME"] = "light" } });

        Assert.Equal("docs", plan.Outline.Name);
        Assert.Equal([new OutlineArgument("THEME", "light", null, 12)], plan.Outline.Arguments);
        Assert.Empty(plan.Outline.Secrets);
    }

    [Fact]
    public void Stage_targets_list_every_stage_with_descriptions_and_the_default()
    {
        var targets = TargetList.From(Dockerfiles.Read(Dockerfile));

        Assert.Equal(
            [
                new StageTarget("build", "Compiles the binary", false, "golang:${GO_VERSION}", null, 5),
                new StageTarget("docs", "Renders the documentation", false, "alpine", null, 11),
                new StageTarget("release", "The image to ship", true, "scratch", null, 14),
            ],
            targets);
    }
}
