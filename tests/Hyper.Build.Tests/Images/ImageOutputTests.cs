using Hyper.Build.Images;

namespace Hyper.Build.Tests.Images;

public sealed class ImageOutputTests
{
    [Theory]
    [InlineData("out", OutputType.Local, "out")]
    [InlineData("./build/rootfs", OutputType.Local, "./build/rootfs")]
    [InlineData("type=local,dest=rootfs", OutputType.Local, "rootfs")]
    [InlineData("type=oci,dest=image.tar", OutputType.Oci, "image.tar")]
    [InlineData("type=oci,dest=layout", OutputType.Oci, "layout")]
    [InlineData("type=docker,dest=image.tar", OutputType.Docker, "image.tar")]
    [InlineData("dest=image.tar,type=docker", OutputType.Docker, "image.tar")]
    [InlineData("TYPE=OCI,Dest=Image.tar", OutputType.Oci, "Image.tar")]
    [InlineData(" type = oci ,dest=out", OutputType.Oci, "out")]
    [InlineData("type=oci,dest=out,name=example.com/app:1,push=false", OutputType.Oci, "out")]
    [InlineData("type=registry", OutputType.Registry, null)]
    [InlineData("type=image,name=example.com/app:1,push=true", OutputType.Registry, null)]
    [InlineData("type=registry,dest=ignored", OutputType.Registry, null)]
    public void Each_form_buildx_accepts_gives_its_type_and_destination(string text, OutputType type, string? destination)
    {
        var output = ImageOutput.Parse(text);

        Assert.Equal(new ImageOutput(type, destination), output);
    }

    [Theory]
    [InlineData("dest=out", "no type=")]
    [InlineData("type=tar,dest=out.tar", "unknown type 'tar'")]
    [InlineData("type=,dest=out", "unknown type ''")]
    [InlineData("type=oci,dest=out,compression=zstd", "unknown key 'compression'")]
    [InlineData("type=oci", "type=oci needs dest=")]
    [InlineData("type=docker,dest=", "type=docker needs dest=")]
    [InlineData("type=local,name=x", "type=local needs dest=")]
    public void Malformed_outputs_are_refused_with_the_reason(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => ImageOutput.Parse(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"--output {text}:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_output_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => ImageOutput.Parse(string.Empty));
    }
}
