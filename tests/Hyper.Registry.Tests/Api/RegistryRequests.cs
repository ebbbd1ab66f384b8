using System.Net;
using System.Text;
using System.Text.Json;

using Hyper.Oci;

namespace Hyper.Registry.Tests.Api;

/// <summary>The requests tests make again and again, written once: push a blob, push a manifest, read an error.</summary>
internal static class RegistryRequests
{
    private static int _counter;

    /// <summary>A repository name no other test uses.</summary>
    public static string NewRepository(string prefix = "test") => $"{prefix}/repo{Interlocked.Increment(ref _counter)}-{Guid.NewGuid():N}"[..40].TrimEnd('-');

    /// <summary>Pushes a config blob and one layer, then a manifest naming them; returns the manifest.</summary>
    public static async Task<Manifest> PushImageAsync(this RunningRegistry registry, string repository, string tag, string layerText = "layer")
    {
        var config = Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"x":"{{layerText}}"}""");
        var layer = Encoding.UTF8.GetBytes(layerText);
        await registry.PushBlobAsync(repository, config);
        await registry.PushBlobAsync(repository, layer);
        var manifest = Manifest.Create(new ImageManifest
        {
            Config = Descriptor.For(config, MediaTypes.OciConfig),
            Layers = [Descriptor.For(layer, MediaTypes.OciLayerGzip)],
        });
        using var response = await registry.PutManifestAsync(repository, tag, manifest);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return manifest;
    }

    /// <summary>The first error code of an OCI error body.</summary>
    public static async Task<string> ErrorCodeAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString()!;
    }

    public static string Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
        : string.Empty;
}
