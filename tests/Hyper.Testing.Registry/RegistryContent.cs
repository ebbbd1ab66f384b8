using System.Net;

namespace Hyper.Testing.Registry;

/// <summary>Puts content into a <see cref="RunningRegistry"/> over its API: blobs, manifests, whole images from an OCI layout.</summary>
public static class RegistryContent
{
    public static async Task<Digest> PushBlobAsync(this RunningRegistry registry, string repository, byte[] content)
    {
        var digest = Digest.Compute(content);
        using var response = await registry.SendAsync(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/?digest={digest}", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return digest;
    }

    public static Task<HttpResponseMessage> PutManifestAsync(this RunningRegistry registry, string repository, string reference, Manifest manifest) =>
        registry.SendAsync(HttpMethod.Put, $"/v2/{repository}/manifests/{reference}", manifest.Bytes.ToArray(), manifest.MediaType);

    /// <summary>
    /// Pushes <paramref name="manifest"/> from <paramref name="layout"/> with everything it needs (child
    /// manifests of an index first, then blobs), tagged <paramref name="tag"/> or by digest.
    /// </summary>
    public static async Task PushAsync(this RunningRegistry registry, OciLayout layout, Manifest manifest, string repository, string? tag = null)
    {
        foreach (var child in manifest.Children)
        {
            await registry.PushAsync(layout, await layout.ReadManifestAsync(child), repository);
        }

        foreach (var blob in manifest.Blobs.DistinctBy(b => b.Digest))
        {
            await registry.PushBlobAsync(repository, await ReadAllAsync(layout, blob));
        }

        using var response = await registry.PutManifestAsync(repository, tag ?? manifest.Digest.ToString(), manifest);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>
    /// Writes a test image named after <paramref name="repository"/> into a new OCI layout under
    /// <paramref name="workDirectory"/> and pushes it as <paramref name="repository"/>:<paramref name="tag"/>.
    /// </summary>
    public static async Task<TestImage> PushTestImageAsync(this RunningRegistry registry, string workDirectory, string repository, string tag)
    {
        var source = await OciLayout.CreateAsync(Path.Combine(workDirectory, "source-" + repository.Replace('/', '-')));
        var image = await TestImages.WriteAsync(source, name: repository);
        await registry.PushAsync(source, image.Manifest, repository, tag);
        return image;
    }

    /// <summary>The file a blob is kept in by the registry's filesystem store, for tests that damage it.</summary>
    public static string BlobFile(this RunningRegistry registry, Digest digest) =>
        Path.Combine(registry.DataDirectory, "blobs", digest.Algorithm, digest.Encoded[..2], digest.Encoded);

    private static async Task<byte[]> ReadAllAsync(OciLayout layout, Descriptor blob)
    {
        await using var stream = layout.OpenBlob(blob);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
