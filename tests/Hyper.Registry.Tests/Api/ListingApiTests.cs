using System.Net;
using System.Text.Json;

using Hyper.Oci;

namespace Hyper.Registry.Tests.Api;

public sealed class ListingApiTests
{
    [Fact]
    public async Task Tags_are_listed_in_lexical_order_and_paginated_with_link()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var repository = "listing/app";
        var manifest = await registry.PushImageAsync(repository, "v2");
        foreach (var tag in new[] { "latest", "V1", "a-b", "a.b", "a_b", "v10" })
        {
            using var put = await registry.PutManifestAsync(repository, tag, manifest);
        }

        using var all = await registry.Client.GetAsync($"/v2/{repository}/tags/list");
        using var first = await registry.Client.GetAsync($"/v2/{repository}/tags/list?n=3");
        using var second = await registry.Client.GetAsync(first.Headers.GetValues("Link").Single().Split(';')[0].Trim('<', '>'));

        Assert.Equal(["V1", "a-b", "a.b", "a_b", "latest", "v10", "v2"], await TagsAsync(all));
        Assert.Equal(["V1", "a-b", "a.b"], await TagsAsync(first));
        Assert.Equal($"</v2/{repository}/tags/list?n=3&last=a.b>; rel=\"next\"", first.Headers.GetValues("Link").Single());
        Assert.Equal(["a_b", "latest", "v10"], await TagsAsync(second));
        Assert.False(all.Headers.Contains("Link"));
    }

    [Fact]
    public async Task Tags_of_an_unknown_repository_are_name_unknown()
    {
        await using var registry = await RunningRegistry.StartAsync();

        using var response = await registry.Client.GetAsync("/v2/never/pushed/tags/list");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NAME_UNKNOWN", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Catalog_lists_repositories_in_order_with_pagination()
    {
        await using var registry = await RunningRegistry.StartAsync();
        foreach (var name in new[] { "b", "a/b", "a", "a-b", "c/d/e" })
        {
            await registry.PushImageAsync(name, "latest");
        }

        using var all = await registry.Client.GetAsync("/v2/_catalog");
        using var page = await registry.Client.GetAsync("/v2/_catalog?n=2&last=a");

        Assert.Equal(["a", "a-b", "a/b", "b", "c/d/e"], await NamesAsync(all, "repositories"));
        Assert.Equal(["a-b", "a/b"], await NamesAsync(page, "repositories"));
        Assert.Equal("</v2/_catalog?n=2&last=a%2Fb>; rel=\"next\"", page.Headers.GetValues("Link").Single());
    }

    [Fact]
    public async Task Referrers_lists_manifests_with_the_subject_and_filters_by_artifact_type()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var repository = "ref/app";
        var subject = await registry.PushImageAsync(repository, "v1");
        await registry.PushBlobAsync(repository, "{}"u8.ToArray());
        var signature = await PushReferrerAsync(registry, repository, subject, "application/vnd.example.sig");
        var sbom = await PushReferrerAsync(registry, repository, subject, "application/vnd.example.sbom");

        using var all = await registry.Client.GetAsync($"/v2/{repository}/referrers/{subject.Digest}");
        using var filtered = await registry.Client.GetAsync($"/v2/{repository}/referrers/{subject.Digest}?artifactType=application/vnd.example.sbom");
        using var none = await registry.Client.GetAsync($"/v2/{repository}/referrers/{Digest.Compute("nothing"u8)}");

        Assert.Equal(MediaTypes.OciIndex, all.Content.Headers.ContentType!.ToString());
        var index = Manifest.Parse(await all.Content.ReadAsByteArrayAsync());
        Assert.Equal(new[] { signature.Digest.ToString(), sbom.Digest.ToString() }.Order(), index.Children.Select(d => d.Digest.ToString()).Order());
        var listed = index.Children.Single(d => d.Digest == sbom.Digest);
        Assert.Equal("application/vnd.example.sbom", listed.ArtifactType);
        Assert.Equal("yes", listed.Annotations!["org.example.annotated"]);
        Assert.Equal(sbom.Digest, Assert.Single(Manifest.Parse(await filtered.Content.ReadAsByteArrayAsync()).Children).Digest);
        Assert.Equal("artifactType", filtered.Headers.GetValues("OCI-Filters-Applied").Single());
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Empty(Manifest.Parse(await none.Content.ReadAsByteArrayAsync()).Children);
    }

    [Fact]
    public async Task Referrers_filter_compares_artifact_types_ignoring_case()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var repository = "ref/case";
        var subject = await registry.PushImageAsync(repository, "v1");
        await registry.PushBlobAsync(repository, "{}"u8.ToArray());
        var sbom = await PushReferrerAsync(registry, repository, subject, "application/vnd.example.sbom");

        using var filtered = await registry.Client.GetAsync($"/v2/{repository}/referrers/{subject.Digest}?artifactType=Application/Vnd.Example.SBOM");

        Assert.Equal(sbom.Digest, Assert.Single(Manifest.Parse(await filtered.Content.ReadAsByteArrayAsync()).Children).Digest);
    }

    private static async Task<Manifest> PushReferrerAsync(RunningRegistry registry, string repository, Manifest subject, string artifactType)
    {
        var referrer = Manifest.Create(new ImageManifest
        {
            ArtifactType = artifactType,
            Config = Descriptor.EmptyJson,
            Layers = [Descriptor.EmptyJson],
            Subject = subject.ToDescriptor(),
            Annotations = new Dictionary<string, string> { ["org.example.annotated"] = "yes" },
        });
        using var response = await registry.PutManifestAsync(repository, referrer.Digest.ToString(), referrer);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return referrer;
    }

    private static Task<string[]> TagsAsync(HttpResponseMessage response) => NamesAsync(response, "tags");

    private static async Task<string[]> NamesAsync(HttpResponseMessage response, string property)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];
    }
}
