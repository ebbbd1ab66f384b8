using Hyper.Build.Dockerfile;

namespace Hyper.Build.Tests.Dockerfile;

public sealed class DockerfileParserJsonFormTests
{
    private static DockerfileNode Second(string instruction) =>
        DockerfileParser.Parse("FROM alpine\n" + instruction + "\n").Instructions[1];

    [Fact]
    public void Json_escapes_are_decoded()
    {
        var cmd = Second("CMD [\"a\\\"b\", \"c\\\\d\", \"\\/e\", \"\\u00e9\\t\\n\"]");

        Assert.Equal(["a\"b", "c\\d", "/e", "é\t\n"], cmd.Arguments);
        Assert.True(cmd.IsJson);
    }

    [Fact]
    public void Json_surrogate_pair_escape_decodes_to_one_character()
    {
        var cmd = Second("CMD [\"\\ud83d\\ude00\"]");

        Assert.Equal(["\U0001F600"], cmd.Arguments);
    }

    [Fact]
    public void Json_unpaired_surrogate_escape_becomes_the_replacement_character()
    {
        var cmd = Second("CMD [\"\\ud83d x\"]");

        Assert.Equal(["\uFFFD x"], cmd.Arguments);
    }

    [Fact]
    public void Empty_json_array_is_exec_form_with_no_arguments()
    {
        var cmd = Second("CMD []");

        Assert.Empty(cmd.Arguments);
        Assert.True(cmd.IsJson);
    }

    [Fact]
    public void Single_quotes_are_not_json_and_fall_back_to_shell_form()
    {
        var cmd = Second("CMD ['echo', 'hi']");

        Assert.Equal(["['echo', 'hi']"], cmd.Arguments);
        Assert.False(cmd.IsJson);
    }

    [Fact]
    public void Unterminated_bracket_falls_back_to_shell_form()
    {
        var run = Second("RUN [\"echo\", \"hi\"");

        Assert.Equal(["[\"echo\", \"hi\""], run.Arguments);
        Assert.False(run.IsJson);
    }

    [Fact]
    public void Trailing_comma_is_invalid_json_and_falls_back_to_shell_form()
    {
        var entrypoint = Second("ENTRYPOINT [\"a\",]");

        Assert.Equal(["[\"a\",]"], entrypoint.Arguments);
        Assert.False(entrypoint.IsJson);
    }

    [Fact]
    public void Text_after_the_array_falls_back_to_shell_form()
    {
        var cmd = Second("CMD [\"echo\"] && true");

        Assert.Equal(["[\"echo\"] && true"], cmd.Arguments);
        Assert.False(cmd.IsJson);
    }

    [Fact]
    public void Bash_test_brackets_are_shell_form()
    {
        var run = Second("RUN [ -f /etc/os-release ] && cat /etc/os-release");

        Assert.Equal(["[ -f /etc/os-release ] && cat /etc/os-release"], run.Arguments);
        Assert.False(run.IsJson);
    }

    [Fact]
    public void Json_array_with_a_number_is_rejected()
    {
        var error = Assert.Throws<DockerfileException>(() => Second("CMD [\"sleep\", 5]"));

        Assert.Equal(2, error.Line);
        Assert.Equal("when using JSON array syntax, arrays must be comprised of strings only", error.Reason);
        Assert.Equal("CMD [\"sleep\", 5]", error.Instruction);
    }

    [Fact]
    public void Json_array_with_a_nested_array_is_rejected_for_copy_too()
    {
        Assert.Throws<DockerfileException>(() => Second("COPY [\"a\", [\"b\"], \"/c\"]"));
    }

    [Fact]
    public void Invalid_json_with_a_number_in_it_is_shell_form_not_an_error()
    {
        var cmd = Second("CMD [\"sleep\", 5");

        Assert.Equal(["[\"sleep\", 5"], cmd.Arguments);
    }

    [Fact]
    public void Copy_shell_form_with_brackets_splits_on_blanks()
    {
        var copy = Second("COPY [abc] /dst");

        Assert.Equal(["[abc]", "/dst"], copy.Arguments);
        Assert.False(copy.IsJson);
    }

    [Fact]
    public void Copy_json_form_allows_spaces_in_paths()
    {
        var copy = Second("COPY [\"my file.txt\", \"/opt/my dir/\"]");

        Assert.Equal(["my file.txt", "/opt/my dir/"], copy.Arguments);
        Assert.True(copy.IsJson);
    }

    [Fact]
    public void Json_form_may_span_continuation_lines()
    {
        var document = DockerfileParser.Parse("FROM alpine\nCMD [\"a\", \\\n     \"b\"]\n");

        Assert.Equal(["a", "b"], document.Instructions[1].Arguments);
        Assert.True(document.Instructions[1].IsJson);
    }

    [Fact]
    public void Json_array_nested_deeper_than_go_allows_is_shell_form()
    {
        var deep = new string('[', 10001) + new string(']', 10001);

        var cmd = Second("CMD " + deep);

        Assert.Equal([deep], cmd.Arguments);
        Assert.False(cmd.IsJson);
    }

    [Fact]
    public void Json_array_nested_as_deep_as_go_allows_is_valid_json_and_rejected_as_not_strings()
    {
        var deep = new string('[', 10000) + new string(']', 10000);

        Assert.Throws<DockerfileException>(() => Second("CMD " + deep));
    }

    [Fact]
    public void Json_array_with_objects_and_literals_is_valid_json_but_rejected()
    {
        Assert.Throws<DockerfileException>(() => Second("CMD [{\"a\": [1, -2.5e3, true, null]}, \"x\"]"));
    }
}
