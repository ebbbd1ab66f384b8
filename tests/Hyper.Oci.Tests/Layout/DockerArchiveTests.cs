using System.Text;
using System.Text.Json;

using Hyper.Oci.Layout;

namespace Hyper.Oci.Tests.Layout;

public sealed class DockerArchiveTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    [InlineData(LayerCompression.None)]
    public async Task Writing_then_reading_a_docker_archive_keeps_the_config_digest_and_diff_ids(LayerCompression compression)
    {
        var source = await OciLayout.CreateAsync(_temp.Combine("source"));
        var image = await TestImages.WriteAsync(source, "latest", compression: compression);
        var archive = _temp.Combine("docker.tar");

        await DockerArchive.WriteAsync(source, image.Manifest, ["example.com/app:1.0"], archive);
        var destination = await OciLayout.CreateAsync(_temp.Combine("destination"));
        var read = await DockerArchive.ReadIntoAsync(archive, destination, tag: "imported");

        Assert.Equal(image.ConfigDescriptor.Digest, read.Image!.Config.Digest);
        Assert.Equal(image.ConfigBytes, await destination.ReadBlobAsync(read.Image.Config));
        var config = ImageConfig.Parse(await destination.ReadBlobAsync(read.Image.Config));
        Assert.Equal(image.DiffIds, config.RootFs.DiffIds);
        // docker archives hold uncompressed layers, so each layer's digest is its diff ID.
        Assert.Equal(image.DiffIds, read.Image.Layers.Select(l => l.Digest));
        Assert.All(read.Image.Layers, l => Assert.Equal(MediaTypes.OciLayer, l.MediaType));
        for (var i = 0; i < image.LayerTars.Count; i++)
        {
            var copy = new MemoryStream();
            await using (var blob = destination.OpenBlob(read.Image.Layers[i]))
            {
                await blob.CopyToAsync(copy);
            }

            Assert.Equal(image.LayerTars[i], copy.ToArray());
        }

        Assert.Equal(read.Digest, (await destination.ResolveAsync("imported")).Digest);
    }

    [Fact]
    public async Task The_written_archive_is_laid_out_as_docker_load_expects()
    {
        var source = await OciLayout.CreateAsync(_temp.Combine("source"));
        var image = await TestImages.WriteAsync(source, "latest", compression: LayerCompression.Gzip);
        var archive = _temp.Combine("docker.tar");

        await DockerArchive.WriteAsync(source, image.Manifest, ["example.com/app:1.0", "app:latest"], archive);

        var entries = TarFiles.Read(archive).ToDictionary(e => e.Name);
        var configHex = image.ConfigDescriptor.Digest.Encoded;
        Assert.Equal(image.ConfigBytes, entries[$"{configHex}.json"].Content);
        for (var i = 0; i < image.DiffIds.Count; i++)
        {
            var layer = entries[$"{image.DiffIds[i].Encoded}/layer.tar"].Content;
            Assert.Equal(image.DiffIds[i], Digest.Compute(layer));
            Assert.Equal(image.LayerTars[i], layer);
        }

        using var manifest = JsonDocument.Parse(entries["manifest.json"].Content);
        var only = Assert.Single(manifest.RootElement.EnumerateArray());
        Assert.Equal($"{configHex}.json", only.GetProperty("Config").GetString());
        Assert.Equal(["example.com/app:1.0", "app:latest"], only.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(image.DiffIds.Select(d => $"{d.Encoded}/layer.tar"), only.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(
            $$$"""{"app":{"latest":"{{{configHex}}}"},"example.com/app":{"1.0":"{{{configHex}}}"}}""",
            Encoding.UTF8.GetString(entries["repositories"].Content));
    }

    [Fact]
    public async Task Writing_the_same_image_twice_gives_the_same_bytes()
    {
        var source = await OciLayout.CreateAsync(_temp.Combine("source"));
        var image = await TestImages.WriteAsync(source, "latest", compression: LayerCompression.Zstd);

        await DockerArchive.WriteAsync(source, image.Manifest, ["app:1"], _temp.Combine("a.tar"));
        await DockerArchive.WriteAsync(source, image.Manifest, ["app:1"], _temp.Combine("b.tar"));

        Assert.Equal(await File.ReadAllBytesAsync(_temp.Combine("a.tar")), await File.ReadAllBytesAsync(_temp.Combine("b.tar")));
    }

    [Fact]
    public async Task An_image_is_chosen_by_RepoTag_among_several_with_files_in_any_order_and_linked_layers()
    {
        var (archive, first, second) = await TwoImageArchiveAsync();
        var destination = await OciLayout.CreateAsync(_temp.Combine("destination"));

        var images = await DockerArchive.ReadImagesAsync(archive);
        var readSecond = await DockerArchive.ReadIntoAsync(archive, destination, repoTag: "example.com/second:2", tag: "second");
        var readFirst = await DockerArchive.ReadIntoAsync(archive, destination, repoTag: "first:1", tag: "first");

        Assert.Equal([["first:1"], ["example.com/second:2"]], images.Select(i => i.RepoTags));
        Assert.Equal(first.ConfigDescriptor.Digest, readFirst.Image!.Config.Digest);
        Assert.Equal(second.ConfigDescriptor.Digest, readSecond.Image!.Config.Digest);
        Assert.Equal(second.DiffIds, readSecond.Image.Layers.Select(l => l.Digest));
        Assert.Equal(readSecond.Digest, (await destination.ResolveAsync("second")).Digest);
    }

    [Fact]
    public async Task Reading_without_a_RepoTag_when_there_are_several_images_lists_the_RepoTags()
    {
        var (archive, _, _) = await TwoImageArchiveAsync();
        var destination = await OciLayout.CreateAsync(_temp.Combine("destination"));

        var ambiguous = await Assert.ThrowsAsync<InvalidOperationException>(() => DockerArchive.ReadIntoAsync(archive, destination));
        var missing = await Assert.ThrowsAsync<KeyNotFoundException>(() => DockerArchive.ReadIntoAsync(archive, destination, repoTag: "third:3"));

        Assert.Contains("holds 2 images", ambiguous.Message, StringComparison.Ordinal);
        Assert.Contains("RepoTags present: first:1, example.com/second:2", ambiguous.Message, StringComparison.Ordinal);
        Assert.Contains("no image in the docker archive has the RepoTag 'third:3'", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gzip_compressed_layer_in_a_docker_archive_is_kept_compressed_and_checked_against_its_diff_id()
    {
        var source = await OciLayout.CreateAsync(_temp.Combine("source"));
        var image = await TestImages.WriteAsync(source, "latest", compression: LayerCompression.None);
        await DockerArchive.WriteAsync(source, image.Manifest, ["app:1"], _temp.Combine("plain.tar"));
        var gzipped = TestImages.Compress(image.LayerTars[1], LayerCompression.Gzip);
        TarFiles.Write(_temp.Combine("gzip.tar"), TarFiles.Read(_temp.Combine("plain.tar"))
            .Select(e => e.Name == $"{image.DiffIds[1].Encoded}/layer.tar" ? e with { Content = gzipped } : e));
        var destination = await OciLayout.CreateAsync(_temp.Combine("destination"));

        var read = await DockerArchive.ReadIntoAsync(_temp.Combine("gzip.tar"), destination);

        Assert.Equal(MediaTypes.OciLayerGzip, read.Image!.Layers[1].MediaType);
        Assert.Equal(Digest.Compute(gzipped), read.Image.Layers[1].Digest);
        Assert.Equal(image.ConfigDescriptor.Digest, read.Image.Config.Digest);
    }

    [Fact]
    public async Task A_layer_that_does_not_match_the_config_diff_id_is_refused()
    {
        var source = await OciLayout.CreateAsync(_temp.Combine("source"));
        var image = await TestImages.WriteAsync(source, "latest");
        await DockerArchive.WriteAsync(source, image.Manifest, ["app:1"], _temp.Combine("good.tar"));
        var other = TestImages.LayerTar(("tampered.txt", "not the layer the config names"));
        TarFiles.Write(_temp.Combine("bad.tar"), TarFiles.Read(_temp.Combine("good.tar"))
            .Select(e => e.Name == $"{image.DiffIds[0].Encoded}/layer.tar" ? e with { Content = other } : e));
        var destination = await OciLayout.CreateAsync(_temp.Combine("destination"));

        var error = await Assert.ThrowsAsync<InvalidOciDocumentException>(() => DockerArchive.ReadIntoAsync(_temp.Combine("bad.tar"), destination));

        Assert.Contains($"has diff ID {Digest.Compute(other)}, but the config lists {image.DiffIds[0]}", error.Message, StringComparison.Ordinal);
        Assert.Empty((await destination.ReadIndexAsync()).Manifests);
    }

    [Fact]
    public async Task A_link_pointing_outside_the_archive_is_refused()
    {
        var source = await OciLayout.CreateAsync(_temp.Combine("source"));
        var image = await TestImages.WriteAsync(source, "latest");
        await DockerArchive.WriteAsync(source, image.Manifest, ["app:1"], _temp.Combine("good.tar"));
        var layerName = $"{image.DiffIds[0].Encoded}/layer.tar";
        TarFiles.Write(_temp.Combine("bad.tar"), TarFiles.Read(_temp.Combine("good.tar"))
            .Select(e => e.Name == layerName ? TarFiles.Entry.SymbolicLink(layerName, "../../../etc/passwd") : e));
        var destination = await OciLayout.CreateAsync(_temp.Combine("destination"));

        var error = await Assert.ThrowsAsync<InvalidOciDocumentException>(() => DockerArchive.ReadIntoAsync(_temp.Combine("bad.tar"), destination));

        Assert.Contains("outside the archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tar_without_manifest_json_is_not_taken_for_a_docker_archive()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        await TestImages.WriteAsync(layout, "latest");
        await OciArchive.WriteAsync(layout, _temp.Combine("oci.tar"));

        var error = await Assert.ThrowsAsync<InvalidOciDocumentException>(() => DockerArchive.ReadImagesAsync(_temp.Combine("oci.tar")));

        Assert.Contains("has no manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writing_an_index_or_a_RepoTag_without_a_tag_is_refused()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");
        var index = Manifest.Create(new ImageIndex { Manifests = [image.Manifest.ToDescriptor()] });

        var notImage = await Assert.ThrowsAsync<ArgumentException>(() => DockerArchive.WriteAsync(layout, index, ["app:1"], _temp.Combine("a.tar")));
        var badTag = await Assert.ThrowsAsync<ArgumentException>(() => DockerArchive.WriteAsync(layout, image.Manifest, ["localhost:5000/app"], _temp.Combine("b.tar")));

        Assert.Contains("not an image manifest", notImage.Message, StringComparison.Ordinal);
        Assert.Contains("invalid RepoTag 'localhost:5000/app'", badTag.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("a.tar")));
        Assert.False(File.Exists(_temp.Combine("b.tar")));
    }

    [Fact]
    public async Task A_docker_archive_written_by_skopeo_is_read()
    {
        var source = await OciLayout.CreateAsync(_temp.Combine("source"));
        var image = await TestImages.WriteAsync(source, "latest", compression: LayerCompression.Gzip);
        var archive = _temp.Combine("skopeo.tar");
        await ExternalProcess.RunCheckedAsync(
            "skopeo", "--insecure-policy", "copy", $"oci:{source.Path}:latest", $"docker-archive:{archive}:example.com/repo:tag");
        var destination = await OciLayout.CreateAsync(_temp.Combine("destination"));

        var images = await DockerArchive.ReadImagesAsync(archive);
        var read = await DockerArchive.ReadIntoAsync(archive, destination, repoTag: "example.com/repo:tag", tag: "latest");

        Assert.Equal(["example.com/repo:tag"], Assert.Single(images).RepoTags);
        Assert.Equal(image.ConfigDescriptor.Digest, read.Image!.Config.Digest);
        Assert.Equal(image.DiffIds, read.Image.Layers.Select(l => l.Digest));
        foreach (var blob in read.Blobs)
        {
            await destination.VerifyBlobAsync(blob.Digest, blob.Size);
        }
    }

    /// <summary>
    /// Two images in one archive as an older docker save would write it: manifest.json first, layers
    /// in reverse order, and the shared base layer of the second image as a symbolic link.
    /// </summary>
    private async Task<(string Archive, TestImage First, TestImage Second)> TwoImageArchiveAsync()
    {
        var source = await OciLayout.CreateAsync(_temp.Combine("source"));
        var first = await TestImages.WriteAsync(source, "first", name: "first");
        var second = await TestImages.WriteAsync(source, "second", name: "second");
        await DockerArchive.WriteAsync(source, first.Manifest, ["first:1"], _temp.Combine("first.tar"));
        await DockerArchive.WriteAsync(source, second.Manifest, ["example.com/second:2"], _temp.Combine("second.tar"));
        Assert.Equal(first.DiffIds[0], second.DiffIds[0]);

        var linkedBase = "legacy-id/layer.tar";
        var secondEntry = new DockerArchiveImage
        {
            Config = $"{second.ConfigDescriptor.Digest.Encoded}.json",
            RepoTags = ["example.com/second:2"],
            Layers = [linkedBase, $"{second.DiffIds[1].Encoded}/layer.tar"],
        };
        var firstEntry = JsonSerializer.Deserialize<DockerArchiveImage[]>(TarFiles.Read(_temp.Combine("first.tar")).Single(e => e.Name == "manifest.json").Content)!;
        var files = TarFiles.Read(_temp.Combine("first.tar"))
            .Concat(TarFiles.Read(_temp.Combine("second.tar")))
            .Where(e => e.Name is not ("manifest.json" or "repositories"))
            .DistinctBy(e => e.Name)
            .Reverse()
            .Prepend(TarFiles.Entry.File("manifest.json", OciJson.Serialize<DockerArchiveImage[]>([firstEntry[0], secondEntry])))
            .Append(TarFiles.Entry.SymbolicLink(linkedBase, $"../{second.DiffIds[0].Encoded}/layer.tar"));
        var archive = _temp.Combine("two.tar");
        TarFiles.Write(archive, files);
        return (archive, first, second);
    }
}
