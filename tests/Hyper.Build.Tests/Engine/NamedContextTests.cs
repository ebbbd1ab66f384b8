using Hyper.Build.Engine;
using Hyper.Oci;

namespace Hyper.Build.Tests.Engine;

public sealed class NamedContextTests : IDisposable
{
    private const string SomeDigest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_docker_image_context_names_a_normalised_reference()
    {
        var context = NamedContext.Parse("docker-image://alpine:3.20");

        Assert.Equal(Reference.Parse("docker.io/library/alpine:3.20"), context.Image);
        Assert.Null(context.LayoutDirectory);
        Assert.Null(context.Directory);
        Assert.Equal("docker-image://docker.io/library/alpine:3.20", context.ToString());
    }

    [Fact]
    public void A_docker_image_context_may_pin_a_digest()
    {
        var context = NamedContext.Parse($"docker-image://127.0.0.1:5000/base@{SomeDigest}");

        Assert.Equal("127.0.0.1:5000", context.Image!.Registry);
        Assert.Equal(Digest.Parse(SomeDigest), context.Image.Digest);
    }

    [Fact]
    public void A_docker_image_context_with_an_invalid_reference_is_refused_with_the_reason()
    {
        var error = Assert.Throws<FormatException>(() => NamedContext.Parse("docker-image://Alpine:3.20"));

        Assert.StartsWith("--build-context docker-image://Alpine:3.20: invalid reference", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oci_layout_context_without_a_tag_means_the_only_image_in_it()
    {
        var context = NamedContext.Parse("oci-layout://" + _temp.Path);

        Assert.Equal(_temp.Path, context.LayoutDirectory);
        Assert.Null(context.LayoutTag);
        Assert.Null(context.Image);
        Assert.Equal("oci-layout://" + _temp.Path, context.ToString());
    }

    [Fact]
    public void An_oci_layout_context_may_name_a_tag()
    {
        var context = NamedContext.Parse($"oci-layout://{_temp.Path}/layout:v1.2");

        Assert.Equal(Path.Combine(_temp.Path, "layout"), context.LayoutDirectory);
        Assert.Equal("v1.2", context.LayoutTag);
        Assert.Equal($"oci-layout://{_temp.Path}/layout:v1.2", context.ToString());
    }

    [Fact]
    public void An_oci_layout_context_may_name_a_digest()
    {
        var context = NamedContext.Parse($"oci-layout://{_temp.Path}/layout@{SomeDigest}");

        Assert.Equal(Path.Combine(_temp.Path, "layout"), context.LayoutDirectory);
        Assert.Equal("@" + SomeDigest, context.LayoutTag);
        Assert.Equal($"oci-layout://{_temp.Path}/layout@{SomeDigest}", context.ToString());
    }

    [Fact]
    public void An_oci_layout_context_with_a_relative_directory_is_made_absolute()
    {
        var context = NamedContext.Parse("oci-layout://layout:latest");

        Assert.Equal(Path.GetFullPath("layout"), context.LayoutDirectory);
        Assert.Equal("latest", context.LayoutTag);
    }

    [Fact]
    public void A_colon_before_the_last_slash_belongs_to_the_directory()
    {
        var context = NamedContext.Parse("oci-layout:///srv/a:b/layout");

        Assert.Equal("/srv/a:b/layout", context.LayoutDirectory);
        Assert.Null(context.LayoutTag);
    }

    [Theory]
    [InlineData("oci-layout://", "no directory after oci-layout://")]
    [InlineData("oci-layout://:latest", "no directory after oci-layout://")]
    [InlineData("oci-layout://layout:", "the tag after ':' is empty")]
    [InlineData("oci-layout://layout@", "digest")]
    [InlineData("oci-layout://layout@sha256:abc", "digest")]
    [InlineData("oci-layout://layout@latest", "digest")]
    public void A_malformed_oci_layout_context_is_refused_before_the_build(string value, string reason)
    {
        var error = Assert.Throws<FormatException>(() => NamedContext.Parse(value));

        Assert.StartsWith($"--build-context {value}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_plain_directory_is_a_local_context_with_its_full_path()
    {
        Directory.CreateDirectory(_temp.Combine("files"));

        var context = NamedContext.Parse(_temp.Combine("files"));

        Assert.Equal(_temp.Combine("files"), context.Directory);
        Assert.Null(context.Image);
        Assert.Null(context.LayoutDirectory);
        Assert.Equal(_temp.Combine("files"), context.ToString());
    }

    [Fact]
    public void A_directory_that_does_not_exist_is_refused()
    {
        var missing = _temp.Combine("missing");

        var error = Assert.Throws<FormatException>(() => NamedContext.Parse(missing));

        Assert.Equal($"--build-context {missing}: no such directory", error.Message);
    }

    [Theory]
    [InlineData("https://github.com/example/repo.git")]
    [InlineData("target://base")]
    [InlineData("docker-image:alpine")]
    public void Other_schemes_are_refused(string value)
    {
        var error = Assert.Throws<FormatException>(() => NamedContext.Parse(value));

        Assert.StartsWith($"--build-context {value}: ", error.Message, StringComparison.Ordinal);
    }
}
