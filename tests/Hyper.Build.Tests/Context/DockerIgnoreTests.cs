using System.Diagnostics;

using Hyper.Build.Context;

namespace Hyper.Build.Tests.Context;

/// <summary>What a .dockerignore file leaves out of the context, as BuildKit (moby/patternmatcher, fsutil) decides it.</summary>
public sealed class DockerIgnoreTests
{
    private static DockerIgnore Rules(params string[] lines) => DockerIgnore.Parse(string.Join('\n', lines));

    private static bool Excluded(DockerIgnore rules, string path) => rules.IsExcluded(path, isDirectory: false);

    [Fact]
    public void An_exception_re_includes_one_file_of_an_excluded_kind()
    {
        var rules = Rules("*.md", "!README.md");

        Assert.True(Excluded(rules, "CHANGELOG.md"));
        Assert.False(Excluded(rules, "README.md"));
    }

    [Fact]
    public void A_single_star_does_not_cross_a_slash_so_patterns_are_anchored_at_the_root()
    {
        var rules = Rules("*.md");

        Assert.False(Excluded(rules, "docs/guide.md"));
    }

    [Theory]
    [InlineData("main.go", true)]
    [InlineData("cmd/tool/main.go", true)]
    [InlineData("main.go.txt", false)]
    public void Double_star_slash_matches_at_any_depth_including_the_top(string path, bool excluded)
    {
        Assert.Equal(excluded, Excluded(Rules("**/*.go"), path));
    }

    [Theory]
    [InlineData("build")]
    [InlineData("build/")]
    [InlineData("/build")]
    [InlineData("./build")]
    [InlineData("build/.")]
    [InlineData("other/../build")]
    public void Slashes_and_dots_are_cleaned_away_so_these_all_mean_the_directory_build(string line)
    {
        var rules = Rules(line);

        Assert.Equal(["build"], rules.Patterns);
        Assert.True(Excluded(rules, "build"));
        Assert.True(Excluded(rules, "build/out/app.dll"));
        Assert.False(Excluded(rules, "src/build"));
    }

    [Fact]
    public void Patterns_are_relative_to_the_context_root_not_to_every_directory()
    {
        var rules = Rules("secret.txt");

        Assert.True(Excluded(rules, "secret.txt"));
        Assert.False(Excluded(rules, "config/secret.txt"));
    }

    [Fact]
    public void An_excluded_directory_excludes_everything_below_it()
    {
        var rules = Rules("node_modules");

        Assert.True(Excluded(rules, "node_modules/left-pad/index.js"));
        Assert.True(rules.CanSkipDirectory("node_modules"));
    }

    [Fact]
    public void An_exception_below_an_excluded_directory_brings_back_only_that_path()
    {
        var rules = Rules("docs", "!docs/README.md");

        Assert.False(Excluded(rules, "docs/README.md"));
        Assert.True(Excluded(rules, "docs/internal.md"));
        Assert.True(rules.IsExcluded("docs", isDirectory: true));
        Assert.False(rules.CanSkipDirectory("docs"));
        Assert.True(rules.CanSkipDirectory("docs/images"));
    }

    [Fact]
    public void A_deep_exception_keeps_its_ancestors_open_and_lets_siblings_be_skipped()
    {
        var rules = Rules("a", "!a/b/c");

        Assert.False(Excluded(rules, "a/b/c"));
        Assert.False(Excluded(rules, "a/b/c/d"));
        Assert.True(Excluded(rules, "a/b/other"));
        Assert.False(rules.CanSkipDirectory("a/b"));
        Assert.True(rules.CanSkipDirectory("a/x"));
    }

    [Fact]
    public void A_wildcard_exception_means_no_excluded_directory_can_be_skipped()
    {
        var rules = Rules("node_modules", "!node_modules/*/package.json");

        Assert.False(rules.CanSkipDirectory("node_modules"));
        Assert.False(Excluded(rules, "node_modules/x/package.json"));
        Assert.True(Excluded(rules, "node_modules/x/index.js"));
        Assert.True(Excluded(rules, "node_modules/x/y/package.json"));
    }

    [Fact]
    public void Later_lines_win_so_an_exception_before_its_exclusion_does_nothing()
    {
        var rules = Rules("!README.md", "*.md");

        Assert.True(Excluded(rules, "README.md"));
    }

    [Fact]
    public void An_exclusion_after_an_exception_takes_things_away_again()
    {
        var rules = Rules("*", "!src", "src/secret");

        Assert.True(Excluded(rules, "top.txt"));
        Assert.False(Excluded(rules, "src/app.cs"));
        Assert.True(Excluded(rules, "src/secret/key"));
    }

    [Fact]
    public void An_exception_for_the_directory_itself_brings_back_all_of_it()
    {
        var rules = Rules("docs", "!docs");

        Assert.False(Excluded(rules, "docs/a/b.md"));
    }

    [Fact]
    public void Everything_but_one_file()
    {
        var rules = Rules("**", "!Dockerfile");

        Assert.False(Excluded(rules, "Dockerfile"));
        Assert.True(Excluded(rules, "src/Dockerfile"));
        Assert.True(Excluded(rules, "anything"));
    }

    [Fact]
    public void A_trailing_double_star_excludes_the_contents_but_not_the_directory()
    {
        var rules = Rules("cache/**");

        Assert.False(Excluded(rules, "cache"));
        Assert.True(Excluded(rules, "cache/a/b"));
        Assert.False(Excluded(rules, "cachet"));
    }

    [Theory]
    [InlineData("app.log", true)]
    [InlineData("logs/today.log", true)]
    [InlineData("catalog", false)]
    public void A_leading_double_star_without_a_slash_is_a_plain_suffix_test(string path, bool excluded)
    {
        Assert.Equal(excluded, Excluded(Rules("**.log"), path));
    }

    [Theory]
    [InlineData("a.txt", true)]
    [InlineData("c.txt", true)]
    [InlineData("d.txt", false)]
    public void Character_classes_take_ranges(string path, bool excluded)
    {
        Assert.Equal(excluded, Excluded(Rules("[a-c].txt"), path));
    }

    [Theory]
    [InlineData("b.txt", true)]
    [InlineData("a.txt", false)]
    public void A_caret_negates_a_character_class(string path, bool excluded)
    {
        Assert.Equal(excluded, Excluded(Rules("[^a].txt"), path));
    }

    [Theory]
    [InlineData("a.txt", true)]
    [InlineData("!.txt", true)]
    [InlineData("b.txt", false)]
    public void An_exclamation_mark_in_a_class_is_a_literal_not_a_negation(string path, bool excluded)
    {
        Assert.Equal(excluded, Excluded(Rules("[!a].txt"), path));
    }

    [Fact]
    public void Unlike_star_and_question_mark_a_negated_class_can_match_a_slash()
    {
        var rules = Rules("a[^x]b");

        Assert.True(Excluded(rules, "a/b"));
        Assert.False(Excluded(rules, "a/c"));
    }

    [Fact]
    public void Posix_classes_work_inside_brackets()
    {
        var rules = Rules("[[:digit:]]*");

        Assert.True(Excluded(rules, "1.txt"));
        Assert.False(Excluded(rules, "a1.txt"));
    }

    [Theory]
    [InlineData("abc", true)]
    [InlineData("a/c", false)]
    [InlineData("ac", false)]
    public void A_question_mark_is_exactly_one_character_other_than_a_slash(string path, bool excluded)
    {
        Assert.Equal(excluded, Excluded(Rules("a?c"), path));
    }

    [Fact]
    public void A_question_mark_is_one_character_even_when_it_is_not_ascii()
    {
        Assert.True(Excluded(Rules("caf?"), "café"));
    }

    [Fact]
    public void A_backslash_escapes_a_wildcard()
    {
        var rules = Rules(@"a\*b");

        Assert.True(Excluded(rules, "a*b"));
        Assert.False(Excluded(rules, "axb"));
    }

    [Theory]
    [InlineData("a.b", "axb")]
    [InlineData("a+b", "aab")]
    [InlineData("(x)", "x")]
    [InlineData("a$", "a")]
    public void Regular_expression_characters_are_literal(string pattern, string lookalike)
    {
        var rules = Rules(pattern);

        Assert.True(Excluded(rules, pattern));
        Assert.False(Excluded(rules, lookalike));
    }

    [Fact]
    public void A_caret_is_literal_in_a_plain_pattern_but_an_anchor_once_the_pattern_has_wildcards()
    {
        // patternmatcher compares wildcard-free patterns as strings, and passes '^' through to
        // the regular expression it builds for the others: "^fo?" matches "foo", not "^foo".
        Assert.True(Excluded(Rules("^foo"), "^foo"));
        Assert.True(Excluded(Rules("^fo?"), "foo"));
        Assert.False(Excluded(Rules("^fo?"), "^foo"));
        Assert.False(Excluded(Rules("a^b*"), "a^bc"));
    }

    [Fact]
    public void Matching_is_case_sensitive()
    {
        Assert.False(Excluded(Rules("*.MD"), "readme.md"));
    }

    [Fact]
    public void Lines_starting_with_a_hash_are_comments_but_only_in_the_first_column()
    {
        var rules = Rules("#secret", " #hashed");

        Assert.Equal(["#hashed"], rules.Patterns);
        Assert.False(Excluded(rules, "secret"));
        Assert.True(Excluded(rules, "#hashed"));
    }

    [Fact]
    public void Blank_lines_surrounding_whitespace_crlf_and_a_byte_order_mark_are_ignored()
    {
        var rules = DockerIgnore.Parse("\uFEFF  bin  \r\n\r\n\t\r\n ! bin/keep \r\nobj");

        Assert.Equal(["bin", "!bin/keep", "obj"], rules.Patterns);
        Assert.False(Excluded(rules, "bin/keep"));
    }

    [Fact]
    public void A_pattern_that_climbs_out_of_the_context_matches_nothing()
    {
        var rules = Rules("../secret", "/");

        Assert.False(Excluded(rules, "secret"));
        Assert.False(Excluded(rules, "a"));
    }

    [Theory]
    [InlineData("./docs/a.md")]
    [InlineData("/docs/a.md")]
    [InlineData("docs//a.md")]
    [InlineData("docs/x/../a.md")]
    public void Paths_asked_about_are_cleaned_first(string path)
    {
        Assert.True(Excluded(Rules("docs/*.md"), path));
    }

    [Fact]
    public void The_root_itself_is_never_excluded()
    {
        var rules = Rules("**", "*", ".");

        Assert.False(rules.IsExcluded(string.Empty, isDirectory: true));
        Assert.False(rules.IsExcluded(".", isDirectory: true));
        Assert.False(rules.CanSkipDirectory("."));
    }

    [Fact]
    public void A_path_outside_the_context_is_a_caller_error()
    {
        Assert.Throws<ArgumentException>(() => Rules("x").IsExcluded("../x", isDirectory: false));
    }

    [Fact]
    public void No_rules_exclude_nothing()
    {
        Assert.False(DockerIgnore.Empty.IsExcluded("anything/at/all", isDirectory: false));
        Assert.False(DockerIgnore.Parse(string.Empty).CanSkipDirectory("dir"));
    }

    [Theory]
    [InlineData("!", 1)]
    [InlineData("ok\n! ", 2)]
    [InlineData("ok\n\n[a-", 3)]
    [InlineData("[]a]", 1)]
    [InlineData(@"trailing\", 1)]
    public void Malformed_lines_are_rejected_with_their_line_number(string text, int line)
    {
        var error = Assert.Throws<DockerIgnoreException>(() => DockerIgnore.Parse(text));

        Assert.Equal(line, error.Line);
        Assert.Contains($"line {line}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_expression_fails_only_when_a_path_is_checked_against_it()
    {
        // patternmatcher compiles lazily: "\q" passes the syntax check, then fails when used.
        var rules = Rules(@"\q");

        var error = Assert.Throws<DockerIgnoreException>(() => Excluded(rules, "a"));
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void An_invalid_expression_that_is_never_consulted_does_no_harm()
    {
        // Once "*" has excluded a path, later exclusion patterns are not consulted for it.
        var rules = Rules("*", @"\q");

        Assert.True(Excluded(rules, "a"));
        Assert.True(Excluded(rules, "b/c"));
    }

    [Theory]
    [InlineData("a/**/b", "a/b", true)]
    [InlineData("a/**/b", "a/x/y/b", true)]
    [InlineData("a**/b", "ab", true)]
    [InlineData(@"x\dy", "x5y", true)]
    [InlineData(@"x\dy", "xdy", false)]
    [InlineData("ab*ba", "aba", false)]
    [InlineData("ab*ba", "abba", true)]
    [InlineData("src/*/gen", "src/d/gen", true)]
    [InlineData("src/*/gen", "lib/d/gen", false)]
    [InlineData("**/cache", "cache", true)]
    [InlineData("**/cache", "a/cache", true)]
    [InlineData("**/cache", "a/nocache", false)]
    [InlineData("**cache", "a/nocache", true)]
    [InlineData("build**", "builder/x", true)]
    public void Patterns_match_by_their_literal_start_and_end_around_wildcards(string pattern, string path, bool excluded)
    {
        Assert.Equal(excluded, Excluded(Rules(pattern), path));
    }

    [Fact]
    public void Ten_thousand_patterns_over_a_hundred_and_ten_files_are_matched_in_under_a_second()
    {
        var lines = Enumerable.Range(0, 10_000).Select(static i => (i % 5) switch
        {
            0 => $"src/d{i % 13}/file{i}.txt",
            1 => $"build{i}/**",
            2 => $"**/tmp{i}",
            3 => i % 2 == 0 ? $"*.ext{i}" : $"src/*/gen{i}",
            _ => $"!src/d{i % 10}/keep{i}.txt",
        }).Concat(["**/*.log", "!src/d1/file3.log", "src/d5/file5.txt"]);
        var rules = Rules([.. lines]);
        var paths = Enumerable.Range(0, 100).Select(static i => $"src/d{i / 10}/file{i % 10}.{(i % 10 % 3 == 0 ? "log" : "txt")}")
            .Concat(Enumerable.Range(0, 10).Select(static i => $"top{i}.txt"))
            .ToList();

        // Each path is also checked against every directory above it. It took about 3 s before the index.
        var clock = Stopwatch.StartNew();
        var excluded = paths.Where(p => Excluded(rules, p)).ToList();

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal(40, excluded.Count);
        Assert.Contains("src/d5/file5.txt", excluded);
        Assert.DoesNotContain("src/d1/file3.log", excluded);
    }
}
