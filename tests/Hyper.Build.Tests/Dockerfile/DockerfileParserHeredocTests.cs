using Hyper.Build.Dockerfile;

namespace Hyper.Build.Tests.Dockerfile;

public sealed class DockerfileParserHeredocTests
{
    private static DockerfileNode Second(string text) =>
        DockerfileParser.Parse("FROM alpine\n" + text).Instructions[1];

    [Fact]
    public void Run_heredoc_body_is_attached_and_the_command_text_is_the_first_line()
    {
        var run = Second("RUN <<EOF\napk add curl\necho done\nEOF\nCMD [\"sh\"]\n");

        Assert.Equal(["<<EOF"], run.Arguments);
        Assert.Equal("RUN <<EOF", run.Original);
        var heredoc = Assert.Single(run.Heredocs);
        Assert.Equal(new Heredoc("EOF", "apk add curl\necho done\n", Expand: true, Chomp: false), heredoc);
        Assert.Equal(2, run.StartLine);
        Assert.Equal(5, run.EndLine);
    }

    [Fact]
    public void Instruction_after_a_heredoc_is_parsed_normally()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN <<EOF\nFROM not-an-instruction\nEOF\nCMD [\"sh\"]\n");

        Assert.Equal(["from", "run", "cmd"], document.Instructions.Select(n => n.Instruction));
        Assert.Equal(5, document.Instructions[2].StartLine);
    }

    [Fact]
    public void Heredoc_with_single_quoted_delimiter_is_not_expanded()
    {
        var run = Second("RUN <<'EOF'\necho $HOME\nEOF\n");

        Assert.Equal(new Heredoc("EOF", "echo $HOME\n", Expand: false, Chomp: false), Assert.Single(run.Heredocs));
    }

    [Fact]
    public void Heredoc_with_double_quoted_delimiter_is_not_expanded()
    {
        var run = Second("RUN <<\"EOF\"\necho $HOME\nEOF\n");

        Assert.False(Assert.Single(run.Heredocs).Expand);
    }

    [Fact]
    public void Heredoc_with_partly_quoted_delimiter_is_not_expanded()
    {
        var run = Second("RUN <<eo'f'\necho foo\neof\n");

        var heredoc = Assert.Single(run.Heredocs);
        Assert.Equal("eof", heredoc.Name);
        Assert.False(heredoc.Expand);
    }

    [Fact]
    public void Heredoc_delimiter_with_an_escaped_quote_is_expanded()
    {
        var run = Second("RUN <<eo\\'f\necho foo\neo'f\n");

        var heredoc = Assert.Single(run.Heredocs);
        Assert.Equal("eo'f", heredoc.Name);
        Assert.True(heredoc.Expand);
    }

    [Fact]
    public void Chomping_heredoc_strips_leading_tabs_from_body_and_delimiter_line()
    {
        var run = Second("RUN <<-EOF\n\techo a\n\t\techo b\n  echo c\n\tEOF\n");

        Assert.Equal(new Heredoc("EOF", "echo a\necho b\n  echo c\n", Expand: true, Chomp: true), Assert.Single(run.Heredocs));
    }

    [Fact]
    public void Heredoc_without_dash_keeps_tabs_and_needs_an_exact_delimiter_line()
    {
        var run = Second("RUN <<EOF\n\tfoo\n\tEOF\nEOF\n");

        Assert.Equal("\tfoo\n\tEOF\n", Assert.Single(run.Heredocs).Content);
    }

    [Fact]
    public void Chomping_heredoc_with_quoted_delimiter()
    {
        var run = Second("RUN <<-'NOEXPAND'\n\tdon't expand $NAME\nNOEXPAND\n");

        Assert.Equal(new Heredoc("NOEXPAND", "don't expand $NAME\n", Expand: false, Chomp: true), Assert.Single(run.Heredocs));
    }

    [Fact]
    public void Two_heredocs_on_one_line_are_read_one_after_the_other()
    {
        var copy = Second("COPY <<FILE1 <<FILE2 /dest/\ncontent 1\nFILE1\ncontent 2\nFILE2\n");

        Assert.Equal(["<<FILE1", "<<FILE2", "/dest/"], copy.Arguments);
        Assert.Equal(
            [new Heredoc("FILE1", "content 1\n", true, false), new Heredoc("FILE2", "content 2\n", true, false)],
            copy.Heredocs);
    }

    [Fact]
    public void Second_heredoc_delimiter_inside_the_first_body_is_content()
    {
        var copy = Second("COPY <<X <<Y /dest\nY\nX\nX\nY\n");

        Assert.Equal([new Heredoc("X", "Y\n", true, false), new Heredoc("Y", "X\n", true, false)], copy.Heredocs);
    }

    [Fact]
    public void Heredoc_in_copy_keeps_quotes_in_the_body()
    {
        var copy = Second("COPY <<EOF /etc/app.conf\n\"foo\"\n'bar'\nEOF\n");

        Assert.Equal("copy", copy.Instruction);
        Assert.Equal(["<<EOF", "/etc/app.conf"], copy.Arguments);
        Assert.Equal("\"foo\"\n'bar'\n", Assert.Single(copy.Heredocs).Content);
    }

    [Fact]
    public void Heredoc_in_add()
    {
        var add = Second("ADD <<EOF /hello.txt\nhello\nEOF\n");

        Assert.Equal("hello\n", Assert.Single(add.Heredocs).Content);
    }

    [Fact]
    public void Heredoc_after_flags_and_with_a_command_after_it()
    {
        var run = Second("RUN --mount=type=cache,target=/root/.cache <<EOF python3\nprint('hello')\nEOF\n");

        Assert.Equal(["--mount=type=cache,target=/root/.cache"], run.Flags);
        Assert.Equal(["<<EOF python3"], run.Arguments);
        Assert.Equal("print('hello')\n", Assert.Single(run.Heredocs).Content);
    }

    [Fact]
    public void Heredoc_with_file_descriptor_prefix()
    {
        var run = Second("RUN 3<<EOF cat /dev/fd/3\nx\nEOF\n");

        Assert.Equal(new Heredoc("EOF", "x\n", true, false), Assert.Single(run.Heredocs));
    }

    [Fact]
    public void Blanks_between_operator_and_delimiter_are_allowed()
    {
        var run = Second("RUN <<  EOF  > /out\nbody\nEOF\n");

        Assert.Equal("EOF", Assert.Single(run.Heredocs).Name);
    }

    [Fact]
    public void Body_comment_lines_and_blank_lines_are_content()
    {
        var run = Second("RUN <<EOF\n# internal comment\n\necho hi # trailing\nEOF\n");

        Assert.Equal("# internal comment\n\necho hi # trailing\n", Assert.Single(run.Heredocs).Content);
    }

    [Fact]
    public void Empty_heredoc_body()
    {
        var run = Second("RUN <<EMPTY\nEMPTY\n");

        Assert.Equal("", Assert.Single(run.Heredocs).Content);
    }

    [Fact]
    public void Heredoc_body_keeps_crlf_line_endings_as_buildkit_does()
    {
        var run = Second("RUN <<EOF\r\necho a\r\nEOF\r\n");

        Assert.Equal("echo a\r\n", Assert.Single(run.Heredocs).Content);
    }

    [Fact]
    public void Heredoc_operator_in_quotes_is_not_a_heredoc()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN echo \"<<EOF\"\nRUN echo '<<EOF'\n");

        Assert.All(document.Instructions, node => Assert.Empty(node.Heredocs));
        Assert.Equal(3, document.Instructions.Count);
    }

    [Fact]
    public void Heredoc_in_json_form_is_not_a_heredoc()
    {
        var document = DockerfileParser.Parse("FROM alpine\nRUN [\"<<EOF\"]\nCMD [\"sh\"]\n");

        Assert.Empty(document.Instructions[1].Heredocs);
        Assert.Equal(3, document.Instructions.Count);
    }

    [Theory]
    [InlineData("USER <<EOF")]
    [InlineData("CMD <<EOF")]
    [InlineData("ENTRYPOINT <<EOF")]
    [InlineData("HEALTHCHECK CMD <<EOF")]
    public void Heredocs_are_only_read_for_run_copy_and_add(string line)
    {
        var document = DockerfileParser.Parse("FROM alpine\n" + line + "\nCMD [\"sh\"]\n");

        Assert.Empty(document.Instructions[1].Heredocs);
        Assert.Equal(3, document.Instructions.Count);
    }

    [Theory]
    [InlineData("RUN <<<EOF")]
    [InlineData("RUN << ")]
    [InlineData("RUN <<-")]
    [InlineData("RUN cat < file")]
    public void Things_that_look_like_heredocs_but_are_not(string line)
    {
        var document = DockerfileParser.Parse("FROM alpine\n" + line + "\nCMD [\"sh\"]\n");

        Assert.Empty(document.Instructions[1].Heredocs);
        Assert.Equal(3, document.Instructions.Count);
    }

    [Fact]
    public void Onbuild_run_heredoc_is_read_and_attached_to_the_onbuild_node()
    {
        var onbuild = Second("ONBUILD RUN <<EOF\necho child\nEOF\n");

        Assert.Equal("echo child\n", Assert.Single(onbuild.Heredocs).Content);
        Assert.Equal("run", onbuild.Nested!.Instruction);
    }

    [Fact]
    public void Heredoc_delimiter_may_be_a_dollar_word()
    {
        var run = Second("RUN <<$EOF\n$EOF\n");

        Assert.Equal("$EOF", Assert.Single(run.Heredocs).Name);
    }

    [Fact]
    public void Heredoc_operator_inside_a_continued_line_is_read_after_the_last_line()
    {
        var run = Second("RUN <<EOF \\\n  bash -e\nset -x\nEOF\n");

        Assert.Equal(["<<EOF   bash -e"], run.Arguments);
        Assert.Equal("set -x\n", Assert.Single(run.Heredocs).Content);
    }

    [Fact]
    public void Heredoc_delimiter_with_spaces_inside_quotes()
    {
        var run = Second("RUN <<'one two'\necho bar\none two\n");

        Assert.Equal(new Heredoc("one two", "echo bar\n", false, false), Assert.Single(run.Heredocs));
    }

    [Fact]
    public void Unterminated_heredoc_is_rejected_naming_the_start_line()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM alpine\nRUN <<EOF\necho hi\n"));

        Assert.Equal(2, error.Line);
        Assert.StartsWith("unterminated heredoc", error.Reason, StringComparison.Ordinal);
        Assert.Contains("line 2", error.Reason, StringComparison.Ordinal);
        Assert.Equal("RUN <<EOF", error.Instruction);
        Assert.Contains("EOF", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Second_of_two_heredocs_unterminated_is_rejected()
    {
        var error = Assert.Throws<DockerfileException>(() =>
            DockerfileParser.Parse("FROM alpine\nCOPY <<A <<B /d\na\nA\nb\n"));

        Assert.Equal(2, error.Line);
        Assert.Contains("'B'", error.Reason, StringComparison.Ordinal);
    }
}
