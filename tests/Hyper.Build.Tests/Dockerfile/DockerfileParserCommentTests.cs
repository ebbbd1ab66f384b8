using Hyper.Build.Dockerfile;

namespace Hyper.Build.Tests.Dockerfile;

public sealed class DockerfileParserCommentTests
{
    [Fact]
    public void Comment_lines_directly_above_an_instruction_are_recorded_by_its_start_line()
    {
        var document = DockerfileParser.Parse("""
            FROM alpine AS base

            # build compiles the application
            # with the release profile
            FROM base AS build
            RUN make
            """);

        Assert.Equal("build compiles the application\nwith the release profile", document.CommentsAbove[5]);
        Assert.False(document.CommentsAbove.ContainsKey(1));
        Assert.False(document.CommentsAbove.ContainsKey(6));
    }

    [Fact]
    public void Blank_line_between_comment_and_instruction_does_not_detach_the_comment()
    {
        var document = DockerfileParser.Parse("FROM alpine\n# for the tests\n\nFROM alpine AS test\n");

        Assert.Equal("for the tests", document.CommentsAbove[4]);
    }

    [Fact]
    public void Empty_comment_line_drops_the_comments_before_it()
    {
        var document = DockerfileParser.Parse("# license header\n#\n# the base stage\nFROM alpine\n");

        Assert.Equal("the base stage", document.CommentsAbove[4]);
    }

    [Fact]
    public void Comments_belong_to_the_next_instruction_only()
    {
        var document = DockerfileParser.Parse("# one\nFROM alpine\nRUN a\n# two\nRUN b\n");

        Assert.Equal(new Dictionary<int, string> { [2] = "one", [5] = "two" }, document.CommentsAbove);
    }

    [Fact]
    public void Comment_inside_a_continuation_is_not_a_description()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN a \\\n# inner\n  b\nRUN c\n");

        Assert.Empty(document.CommentsAbove);
    }

    [Fact]
    public void Comment_text_is_trimmed()
    {
        var document = DockerfileParser.Parse("#    spaced out   \t\nFROM alpine\n");

        Assert.Equal("spaced out", document.CommentsAbove[2]);
    }

    [Fact]
    public void Comment_after_an_instruction_on_the_same_line_is_part_of_the_arguments()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN echo hi # not a comment\n");

        Assert.Equal(["echo hi # not a comment"], document.Instructions[1].Arguments);
    }
}
