using Hyper.Build.Dockerfile.Lint;
using Hyper.Build.Solver;

namespace Hyper.Build.Tests.Dockerfile.Lint;

public sealed class CheckDirectiveTests
{
    private const string TwoViolations = "FROM alpine AS Build\nCMD node app.js\n";

    [Fact]
    public void Without_a_directive_violations_are_warnings()
    {
        var result = LintRuleTests.Check(TwoViolations);

        Assert.Equal(["StageNameCasing", "JSONArgsRecommended"], result.Violations.Select(static v => v.Rule.Name));
        Assert.False(result.Failed);
    }

    [Fact]
    public void Skip_leaves_the_named_rules_out()
    {
        var result = LintRuleTests.Check("# check=skip=JSONArgsRecommended,StageNameCasing\n" + TwoViolations);

        Assert.Empty(result.Violations);
    }

    [Fact]
    public void Skip_all_leaves_every_rule_out()
    {
        var result = LintRuleTests.Check("# check=skip=all\n" + TwoViolations);

        Assert.Empty(result.Violations);
    }

    [Fact]
    public void Error_true_turns_violations_into_a_failure_naming_the_rules()
    {
        var result = LintRuleTests.Check("# check=skip=StageNameCasing;error=true\n" + TwoViolations);

        Assert.True(result.Failed);
        Assert.Null(result.Error);
        Assert.Equal("lint violation found for rules: JSONArgsRecommended", result.FailureMessage);
    }

    [Fact]
    public void Error_true_without_violations_passes()
    {
        var result = LintRuleTests.Check("# check=error=true\nFROM alpine\nCMD [\"true\"]\n");

        Assert.False(result.Failed);
    }

    [Fact]
    public void The_check_build_arg_replaces_the_directive()
    {
        var result = DockerfileCheck.Run(
            "# check=skip=all\n" + TwoViolations,
            "Dockerfile",
            new BuildOptions { BuildPlatform = Dockerfiles.Amd64, BuildArgs = new Dictionary<string, string> { ["BUILDKIT_DOCKERFILE_CHECK"] = "skip=StageNameCasing;error=true" } });

        Assert.Equal("JSONArgsRecommended", Assert.Single(result.Violations).Rule.Name);
        Assert.True(result.Failed);
    }

    [Fact]
    public void A_check_comment_above_an_instruction_skips_rules_there_only()
    {
        var result = LintRuleTests.Check("FROM alpine\n# check=skip=JSONArgsRecommended\nCMD a\nENTRYPOINT b\n");

        var violation = Assert.Single(result.Violations);
        Assert.Equal(4, violation.Line);
    }

    [Theory]
    [InlineData("skip=A;error=true", true, false)]
    [InlineData(" error = 1 ; skip = all ", true, true)]
    [InlineData("experimental=all", false, false)]
    public void The_directive_value_is_read_as_buildkit_reads_it(string text, bool error, bool skipAll)
    {
        var configuration = LintConfiguration.Parse(text);

        Assert.Equal(error, configuration.ErrorOnViolation);
        Assert.Equal(skipAll, configuration.SkipAll);
    }

    [Theory]
    [InlineData("skip", "invalid check option \"skip\"")]
    [InlineData("ignore=A", "invalid check option \"ignore\"")]
    [InlineData("error=perhaps", "failed to parse check option \"error=perhaps\": \"perhaps\" is not a boolean")]
    public void A_bad_directive_is_an_error(string text, string message)
    {
        var result = LintRuleTests.Check($"# check={text}\nFROM alpine\n");

        Assert.True(result.Failed);
        Assert.Equal($"failed to parse check options: {message}", result.Error!.Reason);
    }

    [Fact]
    public void A_parse_error_is_reported_with_its_line_and_fails_the_check()
    {
        var result = LintRuleTests.Check("FROM alpine\nRUN true\nCOPY --form=build /a /b\n");

        Assert.True(result.Failed);
        Assert.Equal(3, result.Error!.Line);
        Assert.StartsWith("unknown flag: --form", result.Error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Warnings_found_before_an_error_are_still_reported()
    {
        var result = LintRuleTests.Check("FROM alpine AS a\nCMD echo\nFROM alpine\nRUN --mount=type=cache true\n");

        Assert.Equal(4, result.Error!.Line);
        Assert.Equal("invalid mount target \"/\"", result.Error.Reason);
        var violation = Assert.Single(result.Violations);
        Assert.Equal(("JSONArgsRecommended", 2), (violation.Rule.Name, violation.Line));
    }
}
