namespace Hyper.Distribution.Tests;

public sealed class ImageLocationTests
{
    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest")]
    [InlineData("docker://busybox", "docker.io/library/busybox:latest")]
    [InlineData("docker://localhost:5000/a/b:v1", "localhost:5000/a/b:v1")]
    [InlineData("127.0.0.1:5000/app@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "127.0.0.1:5000/app@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    public void Plain_references_and_docker_urls_name_a_registry_image(string text, string expected)
    {
        var location = ImageLocation.Parse(text);

        Assert.Equal(ImageTransport.Registry, location.Transport);
        Assert.Equal(expected, location.Reference!.ToString());
        Assert.Equal("docker://" + expected, location.ToString());
    }

    [Theory]
    [InlineData("oci:/tmp/layout", ImageTransport.OciLayout, "/tmp/layout", null)]
    [InlineData("oci:/tmp/layout:v1.0", ImageTransport.OciLayout, "/tmp/layout", "v1.0")]
    [InlineData("oci:relative/dir:latest", ImageTransport.OciLayout, "relative/dir", "latest")]
    [InlineData("oci-archive:/tmp/image.tar", ImageTransport.OciArchive, "/tmp/image.tar", null)]
    [InlineData("oci-archive:/tmp/image.tar:edge", ImageTransport.OciArchive, "/tmp/image.tar", "edge")]
    [InlineData("docker-archive:/tmp/save.tar", ImageTransport.DockerArchive, "/tmp/save.tar", null)]
    [InlineData("docker-archive:/tmp/save.tar:busybox:1.36", ImageTransport.DockerArchive, "/tmp/save.tar", "busybox:1.36")]
    [InlineData("docker-archive:save.tar:localhost:5000/a:b", ImageTransport.DockerArchive, "save.tar", "localhost:5000/a:b")]
    public void Local_transports_give_a_path_and_an_optional_image_name(string text, ImageTransport transport, string path, string? tag)
    {
        var location = ImageLocation.Parse(text);

        Assert.Equal(transport, location.Transport);
        Assert.Equal(path, location.Path);
        Assert.Equal(tag, location.Tag);
        Assert.Null(location.Reference);
        Assert.Equal(text, location.ToString());
    }

    [Theory]
    [InlineData("oci:", "names no directory")]
    [InlineData("oci::tag", "names no directory")]
    [InlineData("oci-archive:", "names no file")]
    [InlineData("oci:/dir:has space", "not a valid tag")]
    [InlineData("docker-archive:/f.tar:Not/Valid", "not a valid image reference")]
    [InlineData("Uppercase/Repo", "not an image location")]
    [InlineData("", "not an image location")]
    [InlineData("ftp://example.com/x", "not an image location")]
    public void Malformed_locations_are_rejected_with_the_accepted_forms(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ImageLocation.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hyperbuild-storage:t:1", "t:1")]
    [InlineData("hyperbuild-storage:127.0.0.1:5000/app:v1", "127.0.0.1:5000/app:v1")]
    [InlineData("hyperbuild-storage:3f2a9c01", "3f2a9c01")]
    [InlineData("hyperbuild-storage:sha256:3f2a9c01", "sha256:3f2a9c01")]
    public void The_local_store_is_named_by_its_transport_and_an_image_name_or_id(string text, string nameOrId)
    {
        var location = ImageLocation.Parse(text);

        Assert.Equal(ImageTransport.LocalStore, location.Transport);
        Assert.Equal(nameOrId, location.Tag);
        Assert.Null(location.Reference);
        Assert.Equal(text, location.ToString());
    }

    [Theory]
    [InlineData("hyperbuild-storage:")]
    [InlineData("hyperbuild-storage:Not/Valid")]
    public void A_local_store_location_without_a_valid_name_is_rejected(string text)
    {
        var error = Assert.Throws<FormatException>(() => ImageLocation.Parse(text));

        Assert.Contains("names no image of the local store", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void File_locations_cannot_be_made_for_the_registry_transport()
    {
        Assert.Throws<ArgumentException>(() => ImageLocation.ForFile(ImageTransport.Registry, "/x"));
        Assert.Equal(ImageTransport.Registry, ImageLocation.ForRegistry(Reference.Parse("a/b")).Transport);
    }
}
