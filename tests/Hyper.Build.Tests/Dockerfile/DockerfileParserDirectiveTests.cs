using Hyper.Build.Dockerfile;

namespace Hyper.Build.Tests.Dockerfile;

public sealed class DockerfileParserDirectiveTests
{
    [Fact]
    public void Syntax_escape_and_check_directives_at_the_top_are_read()
    {
        var document = DockerfileParser.Parse("""
            # syntax=docker/dockerfile:1.7
            # escape=`
            # check=skip=JSONArgsRecommended;error=true
            FROM alpine
            """);

        Assert.Equal("docker/dockerfile:1.7", document.Directives["syntax"]);
        Assert.Equal("`", document.Directives["escape"]);
        Assert.Equal("skip=JSONArgsRecommended;error=true", document.Directives["check"]);
        Assert.Equal('`', document.EscapeCharacter);
    }

    [Fact]
    public void Directive_keys_are_case_insensitive_and_stored_lower_case()
    {
        var document = DockerfileParser.Parse("# SYNTAX=docker/dockerfile:1\n# EScape=`\nFROM alpine\n");

        Assert.Equal("docker/dockerfile:1", document.Directives["syntax"]);
        Assert.Equal('`', document.EscapeCharacter);
    }

    [Fact]
    public void Blanks_around_the_equals_sign_and_after_the_value_are_ignored()
    {
        var document = DockerfileParser.Parse("#   syntax   =   docker/dockerfile:1 // opts   \nFROM alpine\n");

        Assert.Equal("docker/dockerfile:1 // opts", document.Directives["syntax"]);
    }

    [Fact]
    public void Without_directives_the_escape_character_is_backslash()
    {
        var document = DockerfileParser.Parse("FROM alpine\n");

        Assert.Equal('\\', document.EscapeCharacter);
        Assert.Empty(document.Directives);
    }

    [Fact]
    public void Repeated_directive_is_rejected_naming_the_second_line()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("# syntax=a\n# Syntax=b\nFROM alpine\n"));

        Assert.Equal(2, error.Line);
        Assert.Equal("only one syntax parser directive can be used", error.Reason);
        Assert.Equal("# Syntax=b", error.Instruction);
    }

    [Fact]
    public void Escape_directive_other_than_backslash_or_backtick_is_rejected()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("# escape=x\nFROM alpine\n"));

        Assert.Equal(1, error.Line);
        Assert.Contains("invalid escape token 'x'", error.Reason, StringComparison.Ordinal);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public void Directive_after_an_instruction_is_a_plain_comment()
    {
        var document = DockerfileParser.Parse("FROM alpine\n# escape=`\nRUN echo \\\n  hi\n");

        Assert.Equal('\\', document.EscapeCharacter);
        Assert.Empty(document.Directives);
        Assert.Equal(["echo   hi"], document.Instructions[1].Arguments);
    }

    [Fact]
    public void Directive_after_an_ordinary_comment_is_a_plain_comment()
    {
        var document = DockerfileParser.Parse("# a comment\n# escape=`\nFROM alpine\n");

        Assert.Equal('\\', document.EscapeCharacter);
        Assert.False(document.Directives.ContainsKey("escape"));
    }

    [Fact]
    public void Directive_after_an_empty_line_is_a_plain_comment()
    {
        var document = DockerfileParser.Parse("\n# syntax=docker/dockerfile:1\nFROM alpine\n");

        Assert.Empty(document.Directives);
    }

    [Fact]
    public void Unknown_directive_key_ends_the_directives()
    {
        var document = DockerfileParser.Parse("# syntax=docker/dockerfile:1\n# foo=bar\n# escape=`\nFROM alpine\n");

        Assert.Equal("docker/dockerfile:1", document.Directives["syntax"]);
        Assert.False(document.Directives.ContainsKey("escape"));
        Assert.False(document.Directives.ContainsKey("foo"));
    }

    [Fact]
    public void Repeated_directive_after_the_directives_ended_is_a_plain_comment()
    {
        var document = DockerfileParser.Parse("# syntax=a\n# hello\n# syntax=b\nFROM alpine\n");

        Assert.Equal("a", document.Directives["syntax"]);
    }

    [Fact]
    public void Directive_with_an_empty_value_is_a_plain_comment()
    {
        var document = DockerfileParser.Parse("# escape=\n# syntax=x\nFROM alpine\n");

        Assert.Empty(document.Directives);
    }

    [Fact]
    public void Indented_directive_is_still_a_directive()
    {
        var document = DockerfileParser.Parse("   # escape=`\nFROM alpine\n");

        Assert.Equal('`', document.EscapeCharacter);
    }

    [Fact]
    public void Backtick_escape_keeps_backslashes_of_windows_paths()
    {
        var document = DockerfileParser.Parse("""
            # escape=`
            FROM mcr.microsoft.com/windows/servercore:ltsc2022
            COPY C:\src C:\dst
            WORKDIR C:\app\bin
            RUN dir C:\ `
                && echo done
            """);

        Assert.Equal(["C:\\src", "C:\\dst"], document.Instructions[1].Arguments);
        Assert.Equal(["C:\\app\\bin"], document.Instructions[2].Arguments);
        Assert.Equal(["dir C:\\     && echo done"], document.Instructions[3].Arguments);
    }

    [Fact]
    public void Backtick_escape_makes_a_trailing_backslash_literal()
    {
        var document = DockerfileParser.Parse("# escape=`\nFROM alpine\nRUN echo C:\\\nRUN echo next\n");

        Assert.Equal(3, document.Instructions.Count);
        Assert.Equal(["echo C:\\"], document.Instructions[1].Arguments);
    }

    [Fact]
    public void Directive_lines_are_not_comments_above_the_first_instruction()
    {
        var document = DockerfileParser.Parse("# syntax=docker/dockerfile:1\n# the base\nFROM alpine\n");

        Assert.Equal("the base", document.CommentsAbove[3]);
    }
}
