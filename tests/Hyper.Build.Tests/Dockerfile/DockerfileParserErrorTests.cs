using Hyper.Build.Dockerfile;

namespace Hyper.Build.Tests.Dockerfile;

public sealed class DockerfileParserErrorTests
{
    [Fact]
    public void Misspelt_instruction_is_rejected_with_a_suggestion()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\nCOPPY . /app\n"));

        Assert.Equal("unknown instruction: COPPY", error.Reason);
        Assert.Equal("did you mean COPY?", error.Hint);
        Assert.Equal(2, error.Line);
        Assert.Equal("COPPY . /app", error.Instruction);
    }

    [Fact]
    public void Message_quotes_at_most_200_characters_of_a_long_instruction()
    {
        var line = "DEPLOY " + new string('x', 10_000);

        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\n" + line + "\n"));

        Assert.Equal(line, error.Instruction);
        Assert.EndsWith("\n  2 | " + line[..200] + "…", error.Message.Split("\n  hint:")[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RNU make", "did you mean RUN?")]
    [InlineData("run2 make", "did you mean run?")]
    [InlineData("Workdri /app", "did you mean workdir?")]
    [InlineData("ENTRYPIONT x", "did you mean ENTRYPOINT?")]
    public void Suggestion_follows_the_case_the_user_wrote(string line, string hint)
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\n" + line + "\n"));

        Assert.Equal(hint, error.Hint);
    }

    [Fact]
    public void Unknown_instruction_far_from_any_real_one_lists_the_instructions()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\nDEPLOY now\n"));

        Assert.Equal("unknown instruction: DEPLOY", error.Reason);
        Assert.Contains("HEALTHCHECK", error.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Message_names_file_and_line_and_shows_the_instruction()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\n\nCOPPY . /app\n", "build/Dockerfile.prod"));

        Assert.Equal("build/Dockerfile.prod", error.FileName);
        Assert.StartsWith("build/Dockerfile.prod:3: unknown instruction: COPPY", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 | COPPY . /app", error.Message, StringComparison.Ordinal);
        Assert.Contains("hint: did you mean COPY?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_error_later_in_the_file_is_reported_before_an_unknown_instruction()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\nCOPPY . /\nRUN <<EOF\n"));

        Assert.StartsWith("unterminated heredoc", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void First_unknown_instruction_is_the_one_reported()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\nFOO a\nBAR b\n"));

        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Onbuild_onbuild_is_rejected()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\nONBUILD ONBUILD RUN make\n"));

        Assert.Equal("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", error.Reason);
        Assert.Equal(2, error.Line);
        Assert.Equal("ONBUILD ONBUILD RUN make", error.Instruction);
    }

    [Theory]
    [InlineData("ONBUILD FROM alpine", "FROM isn't allowed as an ONBUILD trigger")]
    [InlineData("onbuild maintainer me", "MAINTAINER isn't allowed as an ONBUILD trigger")]
    [InlineData("ONBUILD onbuild run x", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")]
    public void Onbuild_forbidden_triggers_are_rejected(string line, string reason)
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\n" + line + "\n"));

        Assert.Equal(reason, error.Reason);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public void Shell_in_shell_form_is_rejected_with_the_json_form_as_hint()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\nSHELL /bin/bash -c\n"));

        Assert.Equal("SHELL requires the arguments to be in JSON form", error.Reason);
        Assert.Contains("SHELL [\"/bin/bash\", \"-c\"]", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Shell_with_an_empty_array_is_rejected()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\nSHELL []\n"));

        Assert.Equal("SHELL requires at least one argument", error.Reason);
    }

    [Fact]
    public void Env_name_without_a_value_is_rejected()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM busybox\n\nENV PATH\n"));

        Assert.Equal("ENV must have two arguments", error.Reason);
        Assert.Equal(3, error.Line);
        Assert.Equal("ENV PATH", error.Instruction);
    }

    [Fact]
    public void Label_pair_without_equals_after_a_modern_pair_is_rejected()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\nLABEL a=1 b\n"));

        Assert.Equal("Syntax error - can't find = in \"b\". Must be of the form: name=value", error.Reason);
    }

    [Fact]
    public void Empty_file_is_rejected()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse(""));

        Assert.Equal("file with no instructions", error.Reason);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void File_of_comments_and_directives_only_is_rejected()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("# syntax=docker/dockerfile:1\n# nothing\n\n"));

        Assert.Equal("file with no instructions", error.Reason);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Line_longer_than_buildkit_reads_is_rejected()
    {
        var error = Assert.Throws<DockerfileException>(() =>
            DockerfileParser.Parse("FROM alpine\nLABEL a=" + new string('x', 65536) + "\n"));

        Assert.Equal("dockerfile line greater than max allowed size of 65535", error.Reason);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Line_of_exactly_the_limit_is_accepted()
    {
        var value = new string('x', 65535 - "LABEL a=".Length);

        var document = DockerfileParser.Parse("FROM alpine\nLABEL a=" + value + "\n");

        Assert.Equal(value, document.Instructions[1].Arguments[1]);
    }

    [Fact]
    public void Stray_escape_line_at_the_end_is_an_empty_unknown_instruction()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\n\\\n"));

        Assert.Equal("unknown instruction: ", error.Reason);
        Assert.Contains("escape character", error.Hint, StringComparison.Ordinal);
    }
}
