using Hyper.Build.Dockerfile;

namespace Hyper.Build.Tests.Dockerfile;

/// <summary>Every line of BuildKit's envVarTest and wordsTest, expanded by our lexer.</summary>
public sealed class ShellLexerVectorTests
{
    public static TheoryData<int, string> WordLines()
    {
        var data = new TheoryData<int, string>();
        foreach (var (line, vector) in BuildKitShellVectors.Words)
        {
            data.Add(line, vector.Input);
        }

        return data;
    }

    public static TheoryData<int, string> SplitLines()
    {
        var data = new TheoryData<int, string>();
        foreach (var (line, vector) in BuildKitShellVectors.Splits)
        {
            data.Add(line, vector.Input);
        }

        return data;
    }

    [Fact]
    public void All_vector_lines_are_found()
    {
        // Guards against passing vacuously on a truncated or moved file.
        Assert.Equal(228, BuildKitShellVectors.Words.Count);
        Assert.Equal(24, BuildKitShellVectors.Splits.Count);
    }

    [Theory]
    [MemberData(nameof(WordLines))]
    public void EnvVarTest_line_expands_as_in_BuildKit(int line, string input)
    {
        var expected = BuildKitShellVectors.Words[line].Expected;
        var lexer = new ShellLexer();

        if (expected == BuildKitShellVectors.Error)
        {
            Assert.Throws<ShellExpansionException>(() => lexer.ExpandWord(input, BuildKitShellVectors.WordEnvironment));
            return;
        }

        Assert.Equal(expected, lexer.ExpandWord(input, BuildKitShellVectors.WordEnvironment).Result);
    }

    [Theory]
    [MemberData(nameof(SplitLines))]
    public void WordsTest_line_splits_as_in_BuildKit(int line, string input)
    {
        var (_, expected, environment) = BuildKitShellVectors.Splits[line];
        var lexer = new ShellLexer();

        if (expected is [BuildKitShellVectors.Error])
        {
            Assert.Throws<ShellExpansionException>(() => lexer.ExpandWords(input, environment));
            return;
        }

        Assert.Equal(expected, lexer.ExpandWords(input, environment).Words);
    }
}
