using Hyper.Build.Dockerfile;

namespace Hyper.Build.Tests.Dockerfile;

/// <summary>How Dockerfile words are expanded: what BuildKit does, case by case.</summary>
public sealed class ShellLexerTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["NAME"] = "world",
        ["EMPTY"] = string.Empty,
        ["FILE"] = "archive.tar.gz",
        ["PATH_"] = "/usr/local/bin",
        ["SPACED"] = "  a b  ",
        ["STARS"] = "a***b*",
        ["LINES"] = "ab\ncd",
        ["EMOJI"] = "x😀y",
        ["한국"] = "korea",
    };

    private static string Expand(string word, char escape = '\\') => new ShellLexer(escape).ExpandWord(word, Environment).Result;

    private static ShellExpansionException Fails(string word, char escape = '\\') =>
        Assert.Throws<ShellExpansionException>(() => new ShellLexer(escape).ExpandWord(word, Environment));

    private static IReadOnlyList<string> Split(string words) => new ShellLexer().ExpandWords(words, Environment).Words;

    // Plain references

    [Fact]
    public void A_dollar_name_is_replaced_by_the_value_and_the_name_ends_at_the_first_non_name_character()
    {
        Assert.Equal("hello world.", Expand("hello $NAME."));
    }

    [Fact]
    public void Braces_let_a_name_touch_the_letters_after_it()
    {
        Assert.Equal("worldwide", Expand("${NAME}wide"));
        Assert.Equal(string.Empty, Expand("$NAMEwide"));
    }

    [Fact]
    public void An_unset_variable_expands_to_nothing_and_is_reported_unmatched()
    {
        var expansion = new ShellLexer().ExpandWord("a${MISSING}b$NAME", Environment);

        Assert.Equal("abworld", expansion.Result);
        Assert.Equal(["NAME"], expansion.Matched);
        Assert.Equal(["MISSING"], expansion.Unmatched);
    }

    [Fact]
    public void A_variable_set_to_the_empty_string_is_matched_not_unmatched()
    {
        var expansion = new ShellLexer().ExpandWord("[$EMPTY]", Environment);

        Assert.Equal("[]", expansion.Result);
        Assert.Equal(["EMPTY"], expansion.Matched);
        Assert.Empty(expansion.Unmatched);
    }

    [Fact]
    public void Names_may_be_made_of_letters_of_any_script()
    {
        Assert.Equal("korea!", Expand("$한국!"));
    }

    [Theory]
    [InlineData("$.", "$.")]
    [InlineData("cost: 5$", "cost: 5$")]
    [InlineData("$ $", "$ $")]
    [InlineData("a$/b", "a$/b")]
    public void A_dollar_not_followed_by_a_name_is_a_literal_dollar(string word, string expected)
    {
        Assert.Equal(expected, Expand(word));
    }

    [Fact]
    public void Positional_parameters_take_all_their_digits_and_are_never_set()
    {
        var expansion = new ShellLexer().ExpandWord("$12abc", Environment);

        Assert.Equal("abc", expansion.Result);
        Assert.Equal(["12"], expansion.Unmatched);
    }

    [Theory]
    [InlineData("$@x", "x")]
    [InlineData("$$x", "x")]
    [InlineData("$#x", "x")]
    [InlineData("$?x", "x")]
    [InlineData("$0x", "x")]
    [InlineData("${!:-bang}", "bang")]
    public void Special_parameters_are_one_character_names_that_are_never_set(string word, string expected)
    {
        Assert.Equal(expected, Expand(word));
    }

    // Operators

    [Theory]
    [InlineData("${MISSING:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${NAME:-fallback}", "world")]
    public void Colon_dash_substitutes_the_default_when_unset_or_empty(string word, string expected)
    {
        Assert.Equal(expected, Expand(word));
    }

    [Theory]
    [InlineData("${MISSING-fallback}", "fallback")]
    [InlineData("${EMPTY-fallback}", "")]
    [InlineData("${NAME-fallback}", "world")]
    public void Dash_substitutes_the_default_only_when_unset(string word, string expected)
    {
        Assert.Equal(expected, Expand(word));
    }

    [Theory]
    [InlineData("${MISSING:+alt}", "")]
    [InlineData("${EMPTY:+alt}", "")]
    [InlineData("${NAME:+alt}", "alt")]
    [InlineData("${MISSING+alt}", "")]
    [InlineData("${EMPTY+alt}", "alt")]
    [InlineData("${NAME+alt}", "alt")]
    public void Plus_substitutes_the_alternative_when_set_and_colon_plus_also_requires_non_empty(string word, string expected)
    {
        Assert.Equal(expected, Expand(word));
    }

    [Fact]
    public void Defaults_nest()
    {
        Assert.Equal("world-inner", Expand("${A:-${B:-$NAME-inner}}"));
    }

    [Fact]
    public void The_operand_is_expanded_even_when_not_used_so_its_variables_are_reported()
    {
        var expansion = new ShellLexer().ExpandWord("${NAME:-$OTHER}", Environment);

        Assert.Equal("world", expansion.Result);
        Assert.Equal(["NAME"], expansion.Matched);
        Assert.Equal(["OTHER"], expansion.Unmatched);
    }

    [Fact]
    public void Colon_question_fails_on_an_unset_variable_with_the_given_message()
    {
        var error = Fails("${VERSION:?set --build-arg VERSION}");

        Assert.Equal("VERSION: set --build-arg VERSION", error.Reason);
        Assert.Equal("${VERSION:?set --build-arg VERSION}", error.Word);
        Assert.Contains("VERSION: set --build-arg VERSION", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Colon_question_fails_on_an_empty_variable_and_names_it_when_no_message_is_given()
    {
        var error = Fails("${EMPTY:?}");

        Assert.StartsWith("EMPTY: ", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Question_without_colon_accepts_an_empty_variable_but_not_an_unset_one()
    {
        Assert.Equal("[]", Expand("[${EMPTY?required}]"));
        Assert.Equal("world", Expand("${NAME?required}"));
        Assert.Equal("MISSING: required", Fails("${MISSING?required}").Reason);
    }

    [Theory]
    [InlineData("${FILE#*.}", "tar.gz")]
    [InlineData("${FILE##*.}", "gz")]
    [InlineData("${FILE%.*}", "archive.tar")]
    [InlineData("${FILE%%.*}", "archive")]
    [InlineData("${PATH_#/usr}", "/local/bin")]
    [InlineData("${FILE#nomatch}", "archive.tar.gz")]
    [InlineData("${FILE#}", "archive.tar.gz")]
    public void Hash_and_percent_remove_the_shortest_or_doubled_the_longest_matching_prefix_or_suffix(string word, string expected)
    {
        Assert.Equal(expected, Expand(word));
    }

    [Fact]
    public void A_question_mark_in_a_pattern_matches_one_character_even_outside_the_basic_plane()
    {
        Assert.Equal("y", Expand("${EMOJI#x?}"));
    }

    [Fact]
    public void Escaped_stars_in_a_pattern_are_literal()
    {
        Assert.Equal("a", Expand(@"${STARS%%\**\*}"));
        Assert.Equal("**b*", Expand(@"${STARS#a\*}"));
    }

    [Fact]
    public void Brackets_are_literal_in_patterns_not_character_classes()
    {
        var environment = new Dictionary<string, string> { ["V"] = "[ab]c" };

        Assert.Equal("c", new ShellLexer().ExpandWord("${V#[ab]}", environment).Result);
    }

    [Fact]
    public void Escaping_anything_but_a_star_question_mark_backslash_brace_or_slash_in_a_pattern_is_an_error()
    {
        // BuildKit rejects ${FILE%\.gz}; ${FILE%.gz} is how to write it.
        var error = Fails(@"${FILE%\.gz}");

        Assert.Contains("invalid pattern", error.Reason, StringComparison.Ordinal);
        Assert.Equal("archive.tar", Expand("${FILE%.gz}"));
    }

    [Fact]
    public void Wildcards_do_not_match_a_line_feed()
    {
        Assert.Equal("\ncd", Expand("${LINES##*}"));
        Assert.Equal("X\nX", Expand("${LINES//*/X}"));
    }

    [Theory]
    [InlineData("${PATH_/\\//:}", ":usr/local/bin")]
    [InlineData("${PATH_//\\//:}", ":usr:local:bin")]
    [InlineData("${FILE/a*./X}", "Xgz")]
    [InlineData("${FILE/#/X}", "archive.tar.gz")]
    [InlineData("${PATH_/local/}", "/usr//bin")]
    public void Slash_replaces_the_first_match_and_double_slash_every_match(string word, string expected)
    {
        Assert.Equal(expected, Expand(word));
    }

    [Fact]
    public void A_hash_after_the_slash_is_a_literal_hash_not_bash_anchoring()
    {
        var environment = new Dictionary<string, string> { ["V"] = "a#b" };

        Assert.Equal("aXb", new ShellLexer().ExpandWord("${V/#/X}", environment).Result);
    }

    [Fact]
    public void An_empty_pattern_with_double_slash_inserts_the_replacement_between_all_characters()
    {
        var environment = new Dictionary<string, string> { ["V"] = "ab", ["P"] = string.Empty };

        Assert.Equal("-a-b-", new ShellLexer().ExpandWord("${V//$P/-}", environment).Result);
    }

    [Fact]
    public void In_a_replace_all_dollar_zero_in_the_replacement_is_the_matched_text()
    {
        // BuildKit's replace-all goes through Go's ReplaceAllString, which expands $0; the
        // first-match form inserts the replacement as it is.
        Assert.Equal("[a]rchive.t[a]r.gz", Expand("${FILE//a/'[$0]'}"));
        Assert.Equal("[$0]rchive.tar.gz", Expand("${FILE/a/'[$0]'}"));
    }

    [Theory]
    [InlineData("${NAME:=x}", ":=")]
    [InlineData("${NAME:0:2}", ":0")]
    [InlineData("${NAME:#w}", ":#")]
    [InlineData("${NAME:%d}", ":%")]
    [InlineData("${NAME=x}", "=")]
    public void Operators_bash_has_but_BuildKit_does_not_are_errors_naming_the_operator(string word, string op)
    {
        Assert.Contains($"'{op}'", Fails(word).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_length_operator_is_not_supported()
    {
        // ${#NAME} reads as the special parameter # followed by a stray N.
        Fails("${#NAME}");
    }

    [Theory]
    [InlineData("${}")]
    [InlineData("${:-x}")]
    [InlineData("${{NAME}")]
    public void A_brace_without_a_name_is_a_bad_substitution(string word)
    {
        Assert.Contains("bad substitution", Fails(word).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("${NAME")]
    [InlineData("${NAME:-x")]
    [InlineData("${NAME:-${OTHER}")]
    [InlineData("${NAME/a/b")]
    public void An_unclosed_brace_is_an_error_that_asks_for_the_brace(string word)
    {
        Assert.Contains("}", Fails(word).Reason, StringComparison.Ordinal);
    }

    // Quotes and escapes

    [Fact]
    public void Single_quotes_keep_everything_literal_including_the_escape()
    {
        Assert.Equal(@"$NAME \$NAME", Expand(@"'$NAME \$NAME'"));
    }

    [Fact]
    public void Double_quotes_expand_variables_and_keep_single_quotes()
    {
        Assert.Equal("'world'", Expand("\"'$NAME'\""));
    }

    [Fact]
    public void Inside_double_quotes_the_escape_only_escapes_quote_dollar_and_itself()
    {
        Assert.Equal(@"""$NAME\ \t", Expand(@"""\""\$NAME\\ \t"""));
    }

    [Fact]
    public void Outside_quotes_the_escape_makes_the_next_character_literal_and_vanishes()
    {
        Assert.Equal("$NAME t'", Expand(@"\$NAME\ \t\'"));
    }

    [Fact]
    public void An_escape_at_the_very_end_disappears()
    {
        Assert.Equal("abc", Expand("abc\\"));
    }

    [Theory]
    [InlineData("'abc", "single")]
    [InlineData("\"abc", "double")]
    [InlineData("\"abc\\\"", "double")]
    [InlineData("it's", "single")]
    public void An_unterminated_quote_is_an_error_naming_the_quote(string word, string kind)
    {
        Assert.Contains(kind, Fails(word).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_backtick_escape_a_backslash_is_an_ordinary_character()
    {
        Assert.Equal(@"C:\Users\world", Expand(@"C:\Users\$NAME", escape: '`'));
    }

    [Fact]
    public void With_the_backtick_escape_a_backtick_escapes_dollar_and_quotes()
    {
        Assert.Equal("$NAME \"world\"", Expand("`$NAME \"`\"$NAME`\"\"", escape: '`'));
    }

    [Fact]
    public void A_byte_order_mark_at_the_start_of_the_word_is_ignored()
    {
        Assert.Equal("world", Expand("\uFEFF$NAME"));
    }

    [Fact]
    public void Only_a_backslash_or_a_backtick_can_be_the_escape_token()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShellLexer('^'));
    }

    // Splitting into words

    [Fact]
    public void Words_split_on_unquoted_whitespace_and_quoted_whitespace_stays()
    {
        Assert.Equal(["a", "b c", "d e"], Split("a  \"b c\" d\\ e"));
    }

    [Fact]
    public void Whitespace_in_a_variable_value_splits_words_unless_quoted()
    {
        Assert.Equal(["x", "a", "b", "y"], Split("x${SPACED}y"));
        Assert.Equal(["x  a b  y"], Split("x\"${SPACED}\"y"));
    }

    [Fact]
    public void Empty_quotes_do_not_make_a_word()
    {
        Assert.Equal(["a", "b"], Split("a \"\" '' b"));
    }

    [Fact]
    public void A_heredoc_marker_keeps_the_blanks_after_it_in_the_same_word()
    {
        Assert.Equal(["cat", "<< EOF"], Split("cat << EOF"));
    }

    [Fact]
    public void Text_of_a_word_before_a_brace_operator_is_dropped_when_splitting_as_in_BuildKit()
    {
        // BuildKit's word splitter shares one buffer with the operand of ${X:-y} and clears it;
        // ExpandWord is not affected. Kept so EXPOSE splits exactly like BuildKit.
        Assert.Equal(["80/tcp", "x"], Split("80${MISSING:-80/tcp} x"));
        Assert.Equal("8080/tcp x", Expand("80${MISSING:-80/tcp} x"));
    }

    [Fact]
    public void Splitting_reports_variables_too()
    {
        var expansion = new ShellLexer().ExpandWords("$NAME $MISSING", Environment);

        Assert.Equal(["world"], expansion.Words);
        Assert.Equal(["NAME"], expansion.Matched);
        Assert.Equal(["MISSING"], expansion.Unmatched);
    }

    // Options BuildKit uses internally

    [Fact]
    public void Preserving_unset_variables_leaves_their_references_as_written()
    {
        var lexer = new ShellLexer { PreserveUnsetVariables = true };

        Assert.Equal("world $A ${B} ${C:-x} ${D:=y}", lexer.ExpandWord("$NAME $A ${B} ${C:-x} ${D:=y}", Environment).Result);
    }

    [Fact]
    public void Preserving_quotes_keeps_them_in_the_result()
    {
        var lexer = new ShellLexer { PreserveQuotes = true };

        Assert.Equal("'EOF' \"world\"", lexer.ExpandWord("'EOF' \"$NAME\"", Environment).Result);
    }

    [Fact]
    public void With_quotes_literal_variables_expand_inside_single_quotes()
    {
        var lexer = new ShellLexer { QuotesAreLiteral = true };

        Assert.Equal("'world'", lexer.ExpandWord("'$NAME'", Environment).Result);
    }

    [Fact]
    public void Preserving_escapes_keeps_the_escape_characters()
    {
        var lexer = new ShellLexer { PreserveEscapes = true };

        Assert.Equal(@"a\ b\$NAME", lexer.ExpandWord(@"a\ b\$NAME", Environment).Result);
    }
}
