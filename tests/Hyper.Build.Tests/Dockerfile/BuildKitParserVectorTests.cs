using Hyper.Build.Dockerfile;

namespace Hyper.Build.Tests.Dockerfile;

/// <summary>BuildKit's own parser test vectors (shared/testdata/buildkit-dockerfile/parser), read in place.</summary>
public sealed class BuildKitParserVectorTests
{
    private static readonly string VectorRoot = Path.Combine(RepositoryPaths.SharedTestData, "buildkit-dockerfile", "parser");

    public static TheoryData<string> PositiveCases() => Cases("testfiles");

    public static TheoryData<string> NegativeCases() => Cases("testfiles-negative");

    [Theory]
    [MemberData(nameof(PositiveCases))]
    public void Positive_case_parses_to_the_same_tree_as_BuildKit(string name)
    {
        var directory = Path.Combine(VectorRoot, "testfiles", name);
        var text = File.ReadAllText(Path.Combine(directory, "Dockerfile"));
        var expected = File.ReadAllText(Path.Combine(directory, "result")).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

        var document = DockerfileParser.Parse(text);

        Assert.Equal(expected, SExpression.Render(document));
    }

    [Theory]
    [MemberData(nameof(NegativeCases))]
    public void Negative_case_is_rejected(string name)
    {
        var text = File.ReadAllText(Path.Combine(VectorRoot, "testfiles-negative", name, "Dockerfile"));

        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse(text));

        Assert.Equal("Dockerfile", error.FileName);
        Assert.True(error.Line >= 1);
    }

    [Fact]
    public void All_vectors_are_present()
    {
        Assert.Equal(33, PositiveCases().Count);
        Assert.Equal(4, NegativeCases().Count);
    }

    private static TheoryData<string> Cases(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var directory in Directory.GetDirectories(Path.Combine(VectorRoot, folder)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(directory));
        }

        return data;
    }
}
