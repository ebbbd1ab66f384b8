using Hyper.Build.Dockerfile;

namespace Hyper.Build.Tests.Dockerfile;

public sealed class DockerfileParserContinuationTests
{
    [Fact]
    public void Continuation_lines_are_joined_keeping_their_indentation()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN apk add \\\n    curl \\\n    git\n");

        var run = document.Instructions[1];
        Assert.Equal(["apk add     curl     git"], run.Arguments);
        Assert.Equal("RUN apk add     curl     git", run.Original);
        Assert.Equal(2, run.StartLine);
        Assert.Equal(4, run.EndLine);
    }

    [Fact]
    public void Blanks_after_the_escape_character_still_continue_the_line()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN echo a \\  \t\n  b\n");

        Assert.Equal(["echo a   b"], document.Instructions[1].Arguments);
    }

    [Fact]
    public void Escaped_escape_character_at_the_end_does_not_continue()
    {
        var document = DockerfileParser.Parse("FROM alpine\nENV A=x\\\\\nENV B=y\n");

        Assert.Equal(3, document.Instructions.Count);
        Assert.Equal(["A", "x\\\\", "="], document.Instructions[1].Arguments);
    }

    [Fact]
    public void Comment_line_inside_a_continuation_is_skipped()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN apk add \\\n# curl is needed for the health check\n    curl\n");

        Assert.Equal(["apk add     curl"], document.Instructions[1].Arguments);
        Assert.Equal(4, document.Instructions[1].EndLine);
        Assert.Empty(document.Warnings);
    }

    [Fact]
    public void Indented_comment_line_inside_a_continuation_is_skipped()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN a \\\n    # note\n    b\n");

        Assert.Equal(["a     b"], document.Instructions[1].Arguments);
    }

    [Fact]
    public void Empty_continuation_line_is_skipped_with_a_warning()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN something \\\n\n    following \\\n\n    more\n");

        Assert.Equal(["something     following     more"], document.Instructions[1].Arguments);
        var warning = Assert.Single(document.Warnings);
        Assert.Equal("NoEmptyContinuation", warning.RuleName);
        Assert.Contains("Empty continuation line found in: RUN something     following     more", warning.Message, StringComparison.Ordinal);
        Assert.Equal(6, warning.Line);
        Assert.Equal("Dockerfile", warning.FileName);
    }

    [Fact]
    public void Whitespace_only_continuation_line_counts_as_empty()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN a \\\n   \t\n  b\n");

        Assert.Equal(["a   b"], document.Instructions[1].Arguments);
        Assert.Single(document.Warnings);
    }

    [Fact]
    public void One_warning_per_instruction_however_many_empty_lines()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN a \\\n\n\n  b \\\n\n  c\nRUN d \\\n\n  e\n");

        Assert.Equal(2, document.Warnings.Count);
    }

    [Fact]
    public void Continuation_at_end_of_file_ends_the_instruction()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN something \\");

        Assert.Equal(["something"], document.Instructions[1].Arguments);
        Assert.Equal(2, document.Instructions[1].EndLine);
    }

    [Fact]
    public void Leading_whitespace_of_an_instruction_line_is_ignored()
    {
        var document = DockerfileParser.Parse("  \tFROM alpine\n    RUN echo hi\n");

        Assert.Equal("FROM alpine", document.Instructions[0].Original);
        Assert.Equal(["echo hi"], document.Instructions[1].Arguments);
    }

    [Fact]
    public void Crlf_line_endings_parse_like_lf()
    {
        var document = DockerfileParser.Parse("FROM alpine\r\nRUN apk add \\\r\n    curl\r\nENV A=1\r\n");

        Assert.Equal(["alpine"], document.Instructions[0].Arguments);
        Assert.Equal(["apk add     curl"], document.Instructions[1].Arguments);
        Assert.Equal(["A", "1", "="], document.Instructions[2].Arguments);
    }

    [Fact]
    public void Byte_order_mark_at_the_start_is_ignored()
    {
        var document = DockerfileParser.Parse("\uFEFF# syntax=docker/dockerfile:1\nFROM alpine\n");

        Assert.Equal("docker/dockerfile:1", document.Directives["syntax"]);
        Assert.Equal("from", document.Instructions[0].Instruction);
    }

    [Fact]
    public void Line_holding_only_the_escape_character_continues_into_the_next()
    {
        var document = DockerfileParser.Parse("\\\nFROM alpine\n");

        var from = Assert.Single(document.Instructions);
        Assert.Equal(["alpine"], from.Arguments);
        Assert.Equal(1, from.StartLine);
        Assert.Equal(2, from.EndLine);
    }

    [Fact]
    public void Line_numbers_count_physical_lines_including_blank_and_comment_lines()
    {
        var document = DockerfileParser.Parse("# intro\n\nFROM alpine\n\n# build\nRUN a \\\n  b\n\nCMD [\"sh\"]\n");

        Assert.Equal([(3, 3), (6, 7), (9, 9)], document.Instructions.Select(n => (n.StartLine, n.EndLine)));
    }
}
