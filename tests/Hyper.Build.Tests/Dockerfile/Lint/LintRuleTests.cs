using Hyper.Build.Context;
using Hyper.Build.Dockerfile.Lint;
using Hyper.Build.Solver;

namespace Hyper.Build.Tests.Dockerfile.Lint;

public sealed class LintRuleTests
{
    public static TheoryData<string, string, int, string> Firing => new()
    {
        { "JSONArgsRecommended", "FROM alpine\nCMD node app.js\n", 2, "JSON arguments recommended for CMD to prevent unintended behavior related to OS signals" },
        { "JSONArgsRecommended", "FROM alpine\nentrypoint run.sh\n", 2, "JSON arguments recommended for entrypoint to prevent unintended behavior related to OS signals" },
        { "StageNameCasing", "FROM alpine AS Build\n", 1, "Stage name 'Build' should be lowercase" },
        { "FromAsCasing", "FROM alpine as build\n", 1, "'as' and 'FROM' keywords' casing do not match" },
        { "FromAsCasing", "from alpine AS build\n", 1, "'AS' and 'from' keywords' casing do not match" },
        { "DuplicateStageName", "FROM alpine AS a\nFROM alpine AS a\n", 2, "Duplicate stage name \"a\", stage names should be unique" },
        { "UndefinedVar", "FROM alpine\nENV PORT=8080\nWORKDIR /srv/$PROT\n", 3, "Usage of undefined variable '$PROT' (did you mean $PORT?)" },
        { "UndefinedVar", "FROM alpine\nCOPY $SRC /app\n", 2, "Usage of undefined variable '$SRC'" },
        { "UndefinedVar", "FROM alpine\nUSER ${RUNNER:-app}\n", 2, "Usage of undefined variable '$RUNNER'" },
        { "UndefinedArgInFrom", "ARG VERSION=1\nFROM alpine:3$VERSOIN\n", 2, "FROM argument 'VERSOIN' is not declared (did you mean VERSION?)" },
        { "MaintainerDeprecated", "FROM alpine\nMAINTAINER me@example.com\n", 2, "Maintainer instruction is deprecated in favor of using label" },
        { "ConsistentInstructionCasing", "FROM alpine\nRUN a\nrun b\nRUN c\n", 3, "Command 'run' should match the case of the command majority (uppercase)" },
        { "ConsistentInstructionCasing", "from alpine\nrun a\nRun b\n", 3, "Command 'Run' should match the case of the command majority (lowercase)" },
        { "WorkdirRelativePath", "FROM alpine\nWORKDIR app\n", 2, "Relative workdir \"app\" can have unexpected results if the base image changes" },
        { "SecretsUsedInArgOrEnv", "FROM alpine\nARG GITHUB_TOKEN\n", 2, "Do not use ARG or ENV instructions for sensitive data (ARG \"GITHUB_TOKEN\")" },
        { "SecretsUsedInArgOrEnv", "FROM alpine\nENV DB_PASSWORD=x\n", 2, "Do not use ARG or ENV instructions for sensitive data (ENV \"DB_PASSWORD\")" },
        { "MultipleInstructionsDisallowed", "FROM alpine\nCMD [\"a\"]\nCMD [\"b\"]\n", 2, "Multiple CMD instructions should not be used in the same stage because only the last one will be used" },
        { "MultipleInstructionsDisallowed", "FROM alpine\nHEALTHCHECK NONE\nHEALTHCHECK CMD [\"true\"]\n", 2, "Multiple HEALTHCHECK instructions should not be used in the same stage because only the last one will be used" },
        { "LegacyKeyValueFormat", "FROM alpine\nENV PATH /opt\n", 2, "\"ENV key=value\" should be used instead of legacy \"ENV key value\" format" },
        { "LegacyKeyValueFormat", "FROM alpine\nLABEL version 1\n", 2, "\"LABEL key=value\" should be used instead of legacy \"LABEL key value\" format" },
        { "ReservedStageName", "FROM alpine AS scratch\n", 1, "Stage name should not use the same name as reserved stage \"scratch\"" },
        { "RedundantTargetPlatform", "FROM --platform=$TARGETPLATFORM alpine\n", 1, "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior" },
        { "FromPlatformFlagConstDisallowed", "FROM --platform=linux/amd64 alpine AS build\n", 1, "FROM --platform flag should not use constant value \"linux/amd64\"" },
        { "NoEmptyContinuation", "FROM alpine\nRUN echo a \\\n\n  b\n", 4, "Empty continuation line" },
        { "ExposeProtoCasing", "FROM alpine\nEXPOSE 80/TCP\n", 2, "Defined protocol '80/TCP' in EXPOSE instruction should be lowercase" },
        { "ExposeInvalidFormat", "FROM alpine\nENV HOST_PORT=8080\nEXPOSE $HOST_PORT:80\n", 3, "EXPOSE instruction should not define an IP address or host-port mapping, found '8080:80'" },
    };

    public static TheoryData<string, string> Quiet => new()
    {
        { "JSONArgsRecommended", "FROM alpine\nCMD [\"node\", \"app.js\"]\n" },
        { "JSONArgsRecommended", "FROM alpine\nSHELL [\"/bin/bash\", \"-c\"]\nCMD node app.js\n" },
        { "JSONArgsRecommended", "FROM alpine AS base\nSHELL [\"/bin/ash\", \"-c\"]\nFROM base\nENTRYPOINT run.sh\n" },
        { "StageNameCasing", "FROM alpine AS build\n" },
        { "FromAsCasing", "FROM alpine AS build\nfrom alpine as other\nFrom alpine as mixed\n" },
        { "DuplicateStageName", "FROM alpine AS a\nFROM alpine AS b\n" },
        { "UndefinedVar", "FROM alpine\nARG NAME\nENV GREETING=\"hello $NAME\"\nRUN echo $NOT_EXPANDED_BY_THE_BUILDER\n" },
        { "UndefinedArgInFrom", "ARG VERSION=1\nFROM alpine:$VERSION\nFROM --platform=$BUILDPLATFORM alpine\n" },
        { "MaintainerDeprecated", "FROM alpine\nLABEL org.opencontainers.image.authors=me@example.com\n" },
        { "ConsistentInstructionCasing", "from alpine\nrun a\n" },
        { "WorkdirRelativePath", "FROM alpine\nWORKDIR /srv\nWORKDIR app\n" },
        { "WorkdirRelativePath", "FROM alpine AS base\nWORKDIR /srv\nFROM base\nWORKDIR app\n" },
        { "SecretsUsedInArgOrEnv", "FROM alpine\nARG PUBLIC_KEY\nENV TOKEN_FILE=/run/token KEYBOARD=us\n" },
        { "MultipleInstructionsDisallowed", "FROM alpine AS base\nCMD [\"a\"]\nFROM base\nCMD [\"b\"]\nENTRYPOINT [\"c\"]\n" },
        { "LegacyKeyValueFormat", "FROM alpine\nENV PATH=/opt\nLABEL version=1\n" },
        { "ReservedStageName", "FROM alpine AS scratchpad\n" },
        { "RedundantTargetPlatform", "FROM --platform=$BUILDPLATFORM alpine\n" },
        { "FromPlatformFlagConstDisallowed", "FROM --platform=linux/amd64 alpine AS build-amd64\nFROM --platform=$BUILDPLATFORM alpine\n" },
        { "NoEmptyContinuation", "FROM alpine\nRUN echo a \\\n  b\n" },
        { "InvalidDefaultArgInFrom", "ARG TAG=3.20\nFROM alpine:$TAG\nFROM alpine:${TAG:-latest}\n" },
        { "ExposeProtoCasing", "FROM alpine\nEXPOSE 80/tcp 53/udp 8080\n" },
        { "ExposeInvalidFormat", "FROM alpine\nEXPOSE 80 7000-7010/tcp\n" },
    };

    [Theory]
    [MemberData(nameof(Firing))]
    public void Rule_fires_with_buildkits_message_at_the_offending_line(string rule, string dockerfile, int line, string message)
    {
        var result = Check(dockerfile);

        Assert.Null(result.Error);
        var violation = Assert.Single(result.Violations, v => v.Rule.Name == rule);
        Assert.Equal(line, violation.Line);
        Assert.Equal(message, violation.Message);
    }

    [Theory]
    [MemberData(nameof(Quiet))]
    public void Rule_stays_quiet_when_the_dockerfile_is_fine(string rule, string dockerfile)
    {
        var result = Check(dockerfile);

        Assert.Null(result.Error);
        Assert.DoesNotContain(result.Violations, v => v.Rule.Name == rule);
    }

    [Fact]
    public void Every_rule_has_buildkits_name_description_and_url()
    {
        foreach (var rule in DockerfileLinter.DefaultRules)
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.Description));
            Assert.Equal("https", rule.Url.Scheme);
            Assert.StartsWith("/go/dockerfile/rule/", rule.Url.AbsolutePath, StringComparison.Ordinal);
            Assert.Equal(Kebab(rule.Name), rule.Url.Segments[^1].TrimEnd('/'));
        }

        Assert.Equal(DockerfileLinter.DefaultRules.Count, DockerfileLinter.DefaultRules.Select(static r => r.Name).Distinct().Count());
    }

    [Fact]
    public void A_from_that_needs_a_build_arg_to_be_valid_is_reported_even_when_one_is_given()
    {
        var result = DockerfileCheck.Run(
            "ARG TAG\nFROM alpine:$TAG\n",
            "Dockerfile",
            new BuildOptions { BuildPlatform = Dockerfiles.Amd64, BuildArgs = new Dictionary<string, string> { ["TAG"] = "3.20" } });

        Assert.Null(result.Error);
        var violation = Assert.Single(result.Violations);
        Assert.Equal("InvalidDefaultArgInFrom", violation.Rule.Name);
        Assert.Equal("Default value for ARG alpine:$TAG results in empty or invalid base image name", violation.Message);
    }

    [Fact]
    public void A_from_whose_default_is_blank_is_reported_along_with_the_error_it_causes()
    {
        var result = DockerfileCheck.Run("ARG IMAGE\nFROM $IMAGE\n", "Dockerfile", new BuildOptions { BuildPlatform = Dockerfiles.Amd64 });

        Assert.Equal("base name ($IMAGE) should not be blank", result.Error?.Reason);
        var violation = Assert.Single(result.Violations);
        Assert.Equal(("InvalidDefaultArgInFrom", 2), (violation.Rule.Name, violation.Line));
        Assert.Equal("Default value for ARG $IMAGE results in empty or invalid base image name", violation.Message);
    }

    [Theory]
    [InlineData("windows/amd64", "# escape=`\nFROM alpine\nWORKDIR C:\\app\n", false)]
    [InlineData("windows/amd64", "# escape=`\nFROM alpine\nWORKDIR \\app\n", false)]
    [InlineData("windows/amd64", "FROM alpine\nWORKDIR c:/app\n", false)]
    [InlineData("windows/amd64", "FROM alpine\nWORKDIR /app\n", false)]
    [InlineData("windows/amd64", "FROM alpine\nWORKDIR app\n", true)]
    [InlineData("windows/amd64", "FROM alpine\nWORKDIR d:/app\n", true)]
    [InlineData("windows/amd64", "FROM alpine\nWORKDIR C:\\app\n", true)] // the escape makes it C:app, relative to C:'s directory
    [InlineData("linux/amd64", "# escape=`\nFROM alpine\nWORKDIR C:\\app\n", true)]
    public void WorkdirRelativePath_knows_absolute_paths_of_the_target_os(string platform, string dockerfile, bool fires)
    {
        var result = DockerfileCheck.Run(
            dockerfile, "Dockerfile", new BuildOptions { BuildPlatform = Dockerfiles.Amd64, TargetPlatform = Hyper.Oci.Platform.Parse(platform) });

        Assert.Null(result.Error);
        Assert.Equal(fires, result.Violations.Any(static v => v.Rule.Name == "WorkdirRelativePath"));
    }

    [Theory]
    [InlineData("node_modules\n", "FROM node\nCOPY node_modules/x /x\n", "Attempting to Copy file \"node_modules/x\" that is excluded by .dockerignore")]
    [InlineData("*\n", "FROM node\nADD . /app\n", "Attempting to Add file \".\" that is excluded by .dockerignore")]
    public void CopyIgnoredFile_fires_for_context_paths_the_dockerignore_leaves_out(string ignore, string dockerfile, string message)
    {
        var result = DockerfileCheck.Run(dockerfile, "Dockerfile", new BuildOptions { BuildPlatform = Dockerfiles.Amd64 }, DockerIgnore.Parse(ignore));

        var violation = Assert.Single(result.Violations);
        Assert.Equal(("CopyIgnoredFile", 2, message), (violation.Rule.Name, violation.Line, violation.Message));
    }

    [Theory]
    [InlineData("*.log\n", "FROM node\nCOPY . /app\nCOPY src /src\n")]
    [InlineData("build\n!build/keep\n", "FROM node\nCOPY build/other /x\n")]
    [InlineData("dist\n", "FROM node AS b\nRUN make\nFROM node\nCOPY --from=b dist /dist\nADD https://example.com/dist /d\n")]
    public void CopyIgnoredFile_stays_quiet_for_other_stages_urls_and_exceptions(string ignore, string dockerfile)
    {
        var result = DockerfileCheck.Run(dockerfile, "Dockerfile", new BuildOptions { BuildPlatform = Dockerfiles.Amd64 }, DockerIgnore.Parse(ignore));

        Assert.DoesNotContain(result.Violations, static v => v.Rule.Name == "CopyIgnoredFile");
    }

    [Fact]
    public void A_check_with_a_target_looks_only_at_the_stages_it_needs()
    {
        const string Dockerfile = "FROM alpine AS unused\nCMD echo\nFROM alpine AS used\nCMD [\"true\"]\n";

        var all = Check(Dockerfile);
        var targeted = DockerfileCheck.Run(Dockerfile, "Dockerfile", new BuildOptions { BuildPlatform = Dockerfiles.Amd64, Target = "used" });

        Assert.Contains(all.Violations, static v => v.Rule.Name == "JSONArgsRecommended");
        Assert.DoesNotContain(targeted.Violations, static v => v.Rule.Name == "JSONArgsRecommended");
    }

    internal static CheckResult Check(string dockerfile) =>
        DockerfileCheck.Run(dockerfile, "Dockerfile", new BuildOptions { BuildPlatform = Dockerfiles.Amd64 });

    // JSONArgsRecommended -> json-args-recommended: an upper-case run is one word.
    private static string Kebab(string name)
    {
        var words = System.Text.RegularExpressions.Regex.Matches(name, "[A-Z]+(?![a-z])|[A-Z][a-z]+");
        return string.Join('-', words.Select(static w => w.Value.ToLowerInvariant()));
    }
}
