using System.Text;

using Hyper.Oci;
using Hyper.Registry.Metadata;

namespace Hyper.Registry.Tests.Metadata;

/// <summary>
/// What every <see cref="IMetadataStore"/> must do, whatever keeps the data. A backend's test class
/// derives from this and says how to make a store over empty storage; each test gets a fresh one,
/// already initialised.
/// </summary>
/// <remarks>
/// Times are kept to the microsecond (what PostgreSQL keeps) and come back in UTC, so the times used
/// here are whole milliseconds. References are a set: repeats collapse and the order is not kept.
/// </remarks>
public abstract class MetadataStoreContract : IAsyncLifetime
{
    private const string SbomType = "application/vnd.example.sbom.v1+json";
    private const string SignatureType = "application/vnd.example.signature.v1+json";

    private static readonly DateTimeOffset T0 = new(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    private IMetadataStore? _store;

    protected static CancellationToken Token => CancellationToken.None;

    protected IMetadataStore Store => _store ?? throw new InvalidOperationException("the store is made in InitializeAsync");

    /// <summary>A new store over empty storage, not yet initialised.</summary>
    protected abstract IMetadataStore CreateStore();

    public virtual async Task InitializeAsync()
    {
        _store = CreateStore();
        await _store.InitializeAsync(Token);
    }

    public virtual async Task DisposeAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    // ---- initialisation ----

    [Fact]
    public async Task Initializing_again_keeps_the_data()
    {
        var manifest = Manifest("kept");
        await Store.PutManifestAsync("repo", manifest, ["v1"], Token);

        await Store.InitializeAsync(Token);

        Assert.Equal(manifest.Digest, await Store.ResolveTagAsync("repo", "v1", Token));
    }

    // ---- blob links ----

    [Fact]
    public async Task A_linked_blob_reports_its_size()
    {
        var blob = DigestOf("layer");

        await Store.LinkBlobAsync("repo", blob, 1234, Token);

        Assert.Equal(1234, await Store.GetBlobLinkAsync("repo", blob, Token));
    }

    [Fact]
    public async Task A_blob_linked_in_one_repository_is_not_visible_in_another()
    {
        var blob = DigestOf("layer");

        await Store.LinkBlobAsync("a", blob, 10, Token);

        Assert.Null(await Store.GetBlobLinkAsync("b", blob, Token));
        Assert.Null(await Store.GetBlobLinkAsync("a/b", blob, Token));
    }

    [Fact]
    public async Task An_unlinked_digest_has_no_link()
    {
        await Store.LinkBlobAsync("repo", DigestOf("one"), 10, Token);

        Assert.Null(await Store.GetBlobLinkAsync("repo", DigestOf("other"), Token));
    }

    [Fact]
    public async Task Linking_a_blob_twice_is_harmless()
    {
        var blob = DigestOf("layer");

        await Store.LinkBlobAsync("repo", blob, 10, Token);
        await Store.LinkBlobAsync("repo", blob, 10, Token);

        Assert.Equal(10, await Store.GetBlobLinkAsync("repo", blob, Token));
    }

    [Fact]
    public async Task Unlinking_removes_the_link_of_that_repository_only()
    {
        var blob = DigestOf("layer");
        await Store.LinkBlobAsync("a", blob, 10, Token);
        await Store.LinkBlobAsync("b", blob, 10, Token);

        Assert.True(await Store.UnlinkBlobAsync("a", blob, Token));

        Assert.Null(await Store.GetBlobLinkAsync("a", blob, Token));
        Assert.Equal(10, await Store.GetBlobLinkAsync("b", blob, Token));
    }

    [Fact]
    public async Task Unlinking_a_blob_that_is_not_linked_reports_false()
    {
        Assert.False(await Store.UnlinkBlobAsync("repo", DigestOf("never"), Token));

        await Store.LinkBlobAsync("repo", DigestOf("other"), 1, Token);
        Assert.False(await Store.UnlinkBlobAsync("repo", DigestOf("never"), Token));
    }

    [Fact]
    public async Task Sha512_blobs_are_linked_like_sha256_ones()
    {
        var blob = Digest.Compute("layer"u8, Digest.Sha512);

        await Store.LinkBlobAsync("repo", blob, 5, Token);

        Assert.Equal(5, await Store.GetBlobLinkAsync("repo", blob, Token));
        Assert.Null(await Store.GetBlobLinkAsync("repo", Digest.Compute("layer"u8), Token));
    }

    // ---- manifests ----

    [Fact]
    public async Task A_stored_manifest_comes_back_with_every_field()
    {
        var manifest = Manifest(
            "full",
            subject: DigestOf("subject"),
            artifactType: SbomType,
            annotations: new Dictionary<string, string>
            {
                ["org.opencontainers.image.created"] = "2025-01-02T03:04:05Z",
                ["com.example.note"] = "quotes \" and unicode é ✓ and a\nnewline",
            },
            references: [DigestOf("config"), DigestOf("layer-1"), DigestOf("layer-2")]);

        await Store.PutManifestAsync("repo", manifest, [], Token);

        AssertSameManifest(manifest, await Store.GetManifestAsync("repo", manifest.Digest, Token));
    }

    [Fact]
    public async Task A_manifest_without_optional_fields_comes_back_without_them()
    {
        var manifest = Manifest("bare");

        await Store.PutManifestAsync("repo", manifest, [], Token);

        var stored = await Store.GetManifestAsync("repo", manifest.Digest, Token);
        AssertSameManifest(manifest, stored);
        Assert.Null(stored!.Subject);
        Assert.Null(stored.ArtifactType);
        Assert.Null(stored.Annotations);
        Assert.Empty(stored.References);
    }

    [Fact]
    public async Task Empty_annotations_stay_empty_rather_than_missing()
    {
        var manifest = Manifest("empty annotations", annotations: new Dictionary<string, string>());

        await Store.PutManifestAsync("repo", manifest, [], Token);

        var stored = await Store.GetManifestAsync("repo", manifest.Digest, Token);
        Assert.NotNull(stored!.Annotations);
        Assert.Empty(stored.Annotations);
    }

    [Fact]
    public async Task References_are_kept_as_a_set()
    {
        var layer = DigestOf("layer");
        var config = DigestOf("config");
        var manifest = Manifest("repeats", references: [layer, config, layer]);

        await Store.PutManifestAsync("repo", manifest, [], Token);

        var stored = await Store.GetManifestAsync("repo", manifest.Digest, Token);
        Assert.Equal(Sorted([layer, config]), Sorted(stored!.References));
    }

    [Fact]
    public async Task A_sha512_manifest_is_stored_and_found()
    {
        var manifest = Manifest("sha512") with { Digest = Digest.Compute("sha512 manifest"u8, Digest.Sha512) };

        await Store.PutManifestAsync("repo", manifest, ["v1"], Token);

        AssertSameManifest(manifest, await Store.GetManifestAsync("repo", manifest.Digest, Token));
        Assert.Equal(manifest.Digest, await Store.ResolveTagAsync("repo", "v1", Token));
    }

    [Fact]
    public async Task A_manifest_is_not_visible_in_another_repository()
    {
        var manifest = Manifest("private");

        await Store.PutManifestAsync("a", manifest, ["v1"], Token);

        Assert.Null(await Store.GetManifestAsync("b", manifest.Digest, Token));
        Assert.Null(await Store.ResolveTagAsync("b", "v1", Token));
    }

    [Fact]
    public async Task An_unknown_manifest_is_null()
    {
        await Store.PutManifestAsync("repo", Manifest("known"), [], Token);

        Assert.Null(await Store.GetManifestAsync("repo", Manifest("unknown").Digest, Token));
        Assert.Null(await Store.GetManifestAsync("no-such-repo", Manifest("known").Digest, Token));
    }

    [Fact]
    public async Task Putting_the_same_manifest_again_only_adds_tags()
    {
        var manifest = Manifest("again", references: [DigestOf("layer")]);

        await Store.PutManifestAsync("repo", manifest, ["v1"], Token);
        await Store.PutManifestAsync("repo", manifest, ["v2"], Token);
        await Store.PutManifestAsync("repo", manifest, [], Token);

        Assert.Equal(manifest.Digest, await Store.ResolveTagAsync("repo", "v1", Token));
        Assert.Equal(manifest.Digest, await Store.ResolveTagAsync("repo", "v2", Token));
        Assert.Equal(["v1", "v2"], await Store.ListTagsAsync("repo", null, 100, Token));
        AssertSameManifest(manifest, await Store.GetManifestAsync("repo", manifest.Digest, Token));
    }

    [Fact]
    public async Task One_put_can_point_several_tags_at_a_manifest()
    {
        var manifest = Manifest("many tags");

        await Store.PutManifestAsync("repo", manifest, ["1", "1.2", "1.2.3", "latest"], Token);

        foreach (var tag in new[] { "1", "1.2", "1.2.3", "latest" })
        {
            Assert.Equal(manifest.Digest, await Store.ResolveTagAsync("repo", tag, Token));
        }
    }

    [Fact]
    public async Task Deleting_a_manifest_removes_it_and_the_tags_pointing_at_it()
    {
        var doomed = Manifest("doomed");
        var kept = Manifest("kept");
        await Store.PutManifestAsync("repo", doomed, ["old", "older"], Token);
        await Store.PutManifestAsync("repo", kept, ["new"], Token);

        Assert.True(await Store.DeleteManifestAsync("repo", doomed.Digest, Token));

        Assert.Null(await Store.GetManifestAsync("repo", doomed.Digest, Token));
        Assert.Null(await Store.ResolveTagAsync("repo", "old", Token));
        Assert.Null(await Store.ResolveTagAsync("repo", "older", Token));
        Assert.Equal(["new"], await Store.ListTagsAsync("repo", null, 100, Token));
        Assert.Equal(kept.Digest, await Store.ResolveTagAsync("repo", "new", Token));
    }

    [Fact]
    public async Task Deleting_a_manifest_leaves_the_same_manifest_in_other_repositories()
    {
        var manifest = Manifest("shared");
        await Store.PutManifestAsync("a", manifest, ["v1"], Token);
        await Store.PutManifestAsync("b", manifest, ["v1"], Token);

        Assert.True(await Store.DeleteManifestAsync("a", manifest.Digest, Token));

        Assert.NotNull(await Store.GetManifestAsync("b", manifest.Digest, Token));
        Assert.Equal(manifest.Digest, await Store.ResolveTagAsync("b", "v1", Token));
    }

    [Fact]
    public async Task Deleting_a_manifest_that_is_not_there_reports_false()
    {
        Assert.False(await Store.DeleteManifestAsync("repo", Manifest("never").Digest, Token));

        await Store.PutManifestAsync("repo", Manifest("other"), [], Token);
        Assert.False(await Store.DeleteManifestAsync("repo", Manifest("never").Digest, Token));
    }

    [Fact]
    public async Task A_deleted_manifest_can_be_pushed_again_with_its_references()
    {
        var manifest = Manifest("phoenix", references: [DigestOf("config"), DigestOf("layer")]);
        await Store.PutManifestAsync("repo", manifest, ["v1"], Token);
        await Store.DeleteManifestAsync("repo", manifest.Digest, Token);

        await Store.PutManifestAsync("repo", manifest, ["v2"], Token);

        AssertSameManifest(manifest, await Store.GetManifestAsync("repo", manifest.Digest, Token));
        Assert.Null(await Store.ResolveTagAsync("repo", "v1", Token));
        Assert.Equal(manifest.Digest, await Store.ResolveTagAsync("repo", "v2", Token));
    }

    // ---- tags ----

    [Fact]
    public async Task An_unknown_tag_resolves_to_nothing()
    {
        await Store.PutManifestAsync("repo", Manifest("m"), ["v1"], Token);

        Assert.Null(await Store.ResolveTagAsync("repo", "v2", Token));
        Assert.Null(await Store.ResolveTagAsync("no-such-repo", "v1", Token));
    }

    [Fact]
    public async Task A_tag_moves_when_put_with_another_manifest()
    {
        var first = Manifest("first");
        var second = Manifest("second");
        await Store.PutManifestAsync("repo", first, ["latest", "v1"], Token);

        await Store.PutManifestAsync("repo", second, ["latest"], Token);

        Assert.Equal(second.Digest, await Store.ResolveTagAsync("repo", "latest", Token));
        Assert.Equal(first.Digest, await Store.ResolveTagAsync("repo", "v1", Token));
        Assert.NotNull(await Store.GetManifestAsync("repo", first.Digest, Token));
    }

    [Fact]
    public async Task A_manifest_whose_tag_moved_away_is_not_deleted_with_the_new_target()
    {
        var first = Manifest("first");
        var second = Manifest("second");
        await Store.PutManifestAsync("repo", first, ["latest"], Token);
        await Store.PutManifestAsync("repo", second, ["latest"], Token);

        Assert.True(await Store.DeleteManifestAsync("repo", first.Digest, Token));

        Assert.Equal(second.Digest, await Store.ResolveTagAsync("repo", "latest", Token));
    }

    [Fact]
    public async Task Deleting_a_tag_keeps_the_manifest()
    {
        var manifest = Manifest("m");
        await Store.PutManifestAsync("repo", manifest, ["v1", "v2"], Token);

        Assert.True(await Store.DeleteTagAsync("repo", "v1", Token));

        Assert.Null(await Store.ResolveTagAsync("repo", "v1", Token));
        Assert.Equal(manifest.Digest, await Store.ResolveTagAsync("repo", "v2", Token));
        Assert.NotNull(await Store.GetManifestAsync("repo", manifest.Digest, Token));
    }

    [Fact]
    public async Task Deleting_a_tag_that_is_not_there_reports_false()
    {
        await Store.PutManifestAsync("a", Manifest("m"), ["v1"], Token);

        Assert.False(await Store.DeleteTagAsync("a", "v2", Token));
        Assert.False(await Store.DeleteTagAsync("b", "v1", Token));
        Assert.Equal(Manifest("m").Digest, await Store.ResolveTagAsync("a", "v1", Token));
    }

    [Fact]
    public async Task Tags_differing_only_in_case_are_different_tags()
    {
        var upper = Manifest("upper");
        var lower = Manifest("lower");

        await Store.PutManifestAsync("repo", upper, ["Latest"], Token);
        await Store.PutManifestAsync("repo", lower, ["latest"], Token);

        Assert.Equal(upper.Digest, await Store.ResolveTagAsync("repo", "Latest", Token));
        Assert.Equal(lower.Digest, await Store.ResolveTagAsync("repo", "latest", Token));
        Assert.Equal(["Latest", "latest"], await Store.ListTagsAsync("repo", null, 100, Token));
    }

    [Fact]
    public async Task Tags_are_listed_in_ordinal_order()
    {
        // Byte order: '-' < '.' < digits < uppercase < '_' < lowercase. A culture-aware or
        // case-insensitive comparison orders these differently.
        string[] expected = ["1-0", "1.0", "10", "A", "Latest", "Z", "_a", "a", "a-b", "a.b", "aB", "a_b", "ab", "latest"];
        await Store.PutManifestAsync("repo", Manifest("m"), [.. expected.Reverse()], Token);

        Assert.Equal(expected, await Store.ListTagsAsync("repo", null, 100, Token));
        Assert.Equal(expected.Order(StringComparer.Ordinal), expected);
    }

    [Fact]
    public async Task Tag_listing_pages_with_last_and_limit()
    {
        string[] tags = ["1-0", "1.0", "10", "A", "Latest", "Z", "_a", "a", "a-b", "a.b", "aB", "a_b", "ab", "latest"];
        await Store.PutManifestAsync("repo", Manifest("m"), tags, Token);

        Assert.Equal(["1-0", "1.0", "10"], await Store.ListTagsAsync("repo", null, 3, Token));
        Assert.Equal(["A", "Latest", "Z"], await Store.ListTagsAsync("repo", "10", 3, Token));
        Assert.Equal(["a-b", "a.b"], await Store.ListTagsAsync("repo", "a", 2, Token));
        Assert.Equal(["ab", "latest"], await Store.ListTagsAsync("repo", "a_b", 100, Token));
        Assert.Empty(await Store.ListTagsAsync("repo", "latest", 100, Token));
    }

    [Fact]
    public async Task Tag_listing_after_a_name_that_is_not_a_tag_starts_at_the_next_greater_one()
    {
        await Store.PutManifestAsync("repo", Manifest("m"), ["a", "c", "e"], Token);

        Assert.Equal(["c", "e"], await Store.ListTagsAsync("repo", "b", 100, Token));
        Assert.Equal(["a", "c", "e"], await Store.ListTagsAsync("repo", "A", 100, Token));
        Assert.Empty(await Store.ListTagsAsync("repo", "z", 100, Token));
    }

    [Fact]
    public async Task Walking_tag_pages_visits_every_tag_once()
    {
        var tags = Enumerable.Range(0, 250).Select(i => $"v{i}").ToArray();
        await Store.PutManifestAsync("repo", Manifest("m"), tags, Token);

        var seen = new List<string>();
        string? last = null;
        var pages = 0;
        while (true)
        {
            var page = await Store.ListTagsAsync("repo", last, 100, Token);
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count <= 100);
            seen.AddRange(page);
            last = page[^1];
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(tags.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task Tag_listing_with_limit_zero_is_empty()
    {
        await Store.PutManifestAsync("repo", Manifest("m"), ["v1"], Token);

        Assert.Empty(await Store.ListTagsAsync("repo", null, 0, Token));
    }

    [Fact]
    public async Task Tag_listing_of_an_unknown_repository_is_empty()
    {
        await Store.PutManifestAsync("repo", Manifest("m"), ["v1"], Token);

        Assert.Empty(await Store.ListTagsAsync("other", null, 100, Token));
    }

    [Fact]
    public async Task Tags_are_listed_per_repository()
    {
        await Store.PutManifestAsync("a", Manifest("m"), ["from-a"], Token);
        await Store.PutManifestAsync("a/b", Manifest("m"), ["from-a-b"], Token);

        Assert.Equal(["from-a"], await Store.ListTagsAsync("a", null, 100, Token));
        Assert.Equal(["from-a-b"], await Store.ListTagsAsync("a/b", null, 100, Token));
    }

    // ---- repositories ----

    [Fact]
    public async Task An_unknown_repository_does_not_exist()
    {
        await Store.LinkBlobAsync("known", DigestOf("layer"), 1, Token);

        Assert.False(await Store.RepositoryExistsAsync("unknown", Token));
        Assert.False(await Store.RepositoryExistsAsync("Known", Token));
    }

    [Fact]
    public async Task A_repository_exists_through_a_blob_link()
    {
        var blob = DigestOf("layer");

        await Store.LinkBlobAsync("repo", blob, 1, Token);
        Assert.True(await Store.RepositoryExistsAsync("repo", Token));

        await Store.UnlinkBlobAsync("repo", blob, Token);
        Assert.False(await Store.RepositoryExistsAsync("repo", Token));
    }

    [Fact]
    public async Task A_repository_exists_through_a_manifest()
    {
        var manifest = Manifest("m");

        await Store.PutManifestAsync("repo", manifest, ["v1"], Token);
        Assert.True(await Store.RepositoryExistsAsync("repo", Token));

        await Store.DeleteManifestAsync("repo", manifest.Digest, Token);
        Assert.False(await Store.RepositoryExistsAsync("repo", Token));
    }

    [Fact]
    public async Task An_upload_does_not_make_a_repository_exist()
    {
        await Store.CreateUploadAsync(new UploadRecord(NewUploadId(), "fresh", T0, T0, Digest.Sha256), Token);

        Assert.False(await Store.RepositoryExistsAsync("fresh", Token));
        Assert.Empty(await Store.ListRepositoriesAsync(null, 100, Token));
    }

    [Fact]
    public async Task Repositories_are_listed_in_ordinal_order_with_nested_names()
    {
        // '-' < '.' < '/' < digits < '_' < letters: "a/b" sorts after "a-b" and "a.b", before "a0".
        string[] expected = ["a", "a-b", "a.b", "a/b", "a/b/c", "a0", "a_b", "b"];
        foreach (var repository in expected.Reverse())
        {
            await Store.LinkBlobAsync(repository, DigestOf("layer"), 1, Token);
        }

        Assert.Equal(expected, await Store.ListRepositoriesAsync(null, 100, Token));
        Assert.Equal(expected.Order(StringComparer.Ordinal), expected);
    }

    [Fact]
    public async Task Repository_listing_pages_with_last_and_limit()
    {
        foreach (var repository in new[] { "a", "a-b", "a/b", "b" })
        {
            await Store.PutManifestAsync(repository, Manifest("m"), ["v1"], Token);
        }

        Assert.Equal(["a", "a-b"], await Store.ListRepositoriesAsync(null, 2, Token));
        Assert.Equal(["a/b", "b"], await Store.ListRepositoriesAsync("a-b", 2, Token));
        Assert.Equal(["b"], await Store.ListRepositoriesAsync("a/b", 2, Token));
        Assert.Equal(["a/b", "b"], await Store.ListRepositoriesAsync("a.z", 100, Token));
        Assert.Empty(await Store.ListRepositoriesAsync("b", 2, Token));
        Assert.Empty(await Store.ListRepositoriesAsync(null, 0, Token));
    }

    [Fact]
    public async Task Repositories_without_content_are_not_listed()
    {
        var manifest = Manifest("m");
        var blob = DigestOf("layer");
        await Store.PutManifestAsync("emptied-manifest", manifest, ["v1"], Token);
        await Store.LinkBlobAsync("emptied-blob", blob, 1, Token);
        await Store.LinkBlobAsync("kept", blob, 1, Token);

        await Store.DeleteManifestAsync("emptied-manifest", manifest.Digest, Token);
        await Store.UnlinkBlobAsync("emptied-blob", blob, Token);

        Assert.Equal(["kept"], await Store.ListRepositoriesAsync(null, 100, Token));
    }

    [Fact]
    public async Task An_emptied_repository_comes_back_with_new_content()
    {
        var blob = DigestOf("layer");
        await Store.LinkBlobAsync("repo", blob, 1, Token);
        await Store.UnlinkBlobAsync("repo", blob, Token);

        await Store.PutManifestAsync("repo", Manifest("m"), ["v1"], Token);

        Assert.True(await Store.RepositoryExistsAsync("repo", Token));
        Assert.Equal(["repo"], await Store.ListRepositoriesAsync(null, 100, Token));
    }

    // ---- referrers ----

    [Fact]
    public async Task Referrers_are_the_manifests_whose_subject_is_the_digest_in_digest_order()
    {
        var subject = Manifest("subject");
        var sbom = Manifest("sbom", subject: subject.Digest, artifactType: SbomType,
            annotations: new Dictionary<string, string> { ["org.example.kind"] = "sbom" });
        var signature = Manifest("signature", subject: subject.Digest, artifactType: SignatureType);
        var untyped = Manifest("untyped", subject: subject.Digest);
        var elsewhere = Manifest("refers to something else", subject: DigestOf("other subject"), artifactType: SbomType);
        await Store.PutManifestAsync("repo", subject, ["v1"], Token);
        foreach (var referrer in new[] { sbom, signature, untyped, elsewhere })
        {
            await Store.PutManifestAsync("repo", referrer, [], Token);
        }

        var referrers = await Store.ListReferrersAsync("repo", subject.Digest, null, Token);

        var expected = new[] { sbom, signature, untyped }.OrderBy(m => m.Digest.ToString(), StringComparer.Ordinal).ToArray();
        Assert.Equal(expected.Select(m => m.Digest), referrers.Select(m => m.Digest));
        for (var i = 0; i < expected.Length; i++)
        {
            AssertSameManifest(expected[i], referrers[i]);
        }
    }

    [Fact]
    public async Task Referrers_can_be_filtered_by_artifact_type()
    {
        var subject = DigestOf("subject");
        var sboms = new[] { "sbom 1", "sbom 2", "sbom 3" }.Select(n => Manifest(n, subject: subject, artifactType: SbomType)).ToArray();
        await Store.PutManifestAsync("repo", Manifest("signature", subject: subject, artifactType: SignatureType), [], Token);
        await Store.PutManifestAsync("repo", Manifest("untyped", subject: subject), [], Token);
        foreach (var sbom in sboms)
        {
            await Store.PutManifestAsync("repo", sbom, [], Token);
        }

        var referrers = await Store.ListReferrersAsync("repo", subject, SbomType, Token);

        Assert.Equal(sboms.Select(m => m.Digest.ToString()).Order(StringComparer.Ordinal), referrers.Select(m => m.Digest.ToString()));
        Assert.All(referrers, r => Assert.Equal(SbomType, r.ArtifactType));
        Assert.Empty(await Store.ListReferrersAsync("repo", subject, "application/vnd.example.unknown", Token));
    }

    [Fact]
    public async Task Referrers_do_not_need_their_subject_to_be_stored()
    {
        // The spec lets referrers be pushed before their subject.
        var subject = DigestOf("not pushed yet");
        var referrer = Manifest("early", subject: subject, artifactType: SbomType);

        await Store.PutManifestAsync("repo", referrer, [], Token);

        Assert.Equal([referrer.Digest], (await Store.ListReferrersAsync("repo", subject, null, Token)).Select(m => m.Digest));
    }

    [Fact]
    public async Task Referrers_are_listed_per_repository()
    {
        var subject = DigestOf("subject");
        await Store.PutManifestAsync("a", Manifest("referrer", subject: subject, artifactType: SbomType), [], Token);

        Assert.Empty(await Store.ListReferrersAsync("b", subject, null, Token));
        Assert.Single(await Store.ListReferrersAsync("a", subject, null, Token));
    }

    [Fact]
    public async Task A_deleted_referrer_is_no_longer_listed()
    {
        var subject = DigestOf("subject");
        var doomed = Manifest("doomed", subject: subject, artifactType: SbomType);
        var kept = Manifest("kept", subject: subject, artifactType: SbomType);
        await Store.PutManifestAsync("repo", doomed, [], Token);
        await Store.PutManifestAsync("repo", kept, [], Token);

        await Store.DeleteManifestAsync("repo", doomed.Digest, Token);

        Assert.Equal([kept.Digest], (await Store.ListReferrersAsync("repo", subject, null, Token)).Select(m => m.Digest));
    }

    [Fact]
    public async Task A_digest_without_referrers_has_an_empty_list()
    {
        await Store.PutManifestAsync("repo", Manifest("lonely"), [], Token);

        Assert.Empty(await Store.ListReferrersAsync("repo", Manifest("lonely").Digest, null, Token));
    }

    // ---- uploads ----

    [Fact]
    public async Task A_created_upload_comes_back_as_it_was_created()
    {
        var upload = new UploadRecord(NewUploadId(), "repo", T0, T0.AddSeconds(1), Digest.Sha512);

        await Store.CreateUploadAsync(upload, Token);

        var stored = await Store.GetUploadAsync("repo", upload.Id, Token);
        Assert.Equal(upload, stored);
        Assert.Equal(TimeSpan.Zero, stored!.Started.Offset);
    }

    [Fact]
    public async Task Upload_times_are_instants_whatever_their_offset()
    {
        var started = new DateTimeOffset(2025, 1, 2, 5, 4, 5, 678, TimeSpan.FromHours(2));
        var upload = new UploadRecord(NewUploadId(), "repo", started, started, Digest.Sha256);

        await Store.CreateUploadAsync(upload, Token);

        var stored = await Store.GetUploadAsync("repo", upload.Id, Token);
        Assert.Equal(T0, stored!.Started);
        Assert.Equal(TimeSpan.Zero, stored.Started.Offset);
    }

    [Fact]
    public async Task An_upload_of_another_repository_is_not_found()
    {
        var upload = new UploadRecord(NewUploadId(), "a", T0, T0, Digest.Sha256);
        await Store.CreateUploadAsync(upload, Token);

        Assert.Null(await Store.GetUploadAsync("b", upload.Id, Token));
        Assert.Null(await Store.GetUploadAsync("a/b", upload.Id, Token));
        Assert.Null(await Store.GetUploadAsync("a", NewUploadId(), Token));
    }

    [Fact]
    public async Task Creating_an_upload_with_an_id_in_use_fails()
    {
        var upload = new UploadRecord(NewUploadId(), "repo", T0, T0, Digest.Sha256);
        await Store.CreateUploadAsync(upload, Token);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => Store.CreateUploadAsync(upload with { Repository = "other" }, Token));
        Assert.Equal(upload, await Store.GetUploadAsync("repo", upload.Id, Token));
    }

    [Fact]
    public async Task Touching_an_upload_moves_its_touched_time_only()
    {
        var upload = new UploadRecord(NewUploadId(), "repo", T0, T0, Digest.Sha256);
        await Store.CreateUploadAsync(upload, Token);

        await Store.TouchUploadAsync(upload.Id, T0.AddMinutes(5), Token);

        Assert.Equal(upload with { Touched = T0.AddMinutes(5) }, await Store.GetUploadAsync("repo", upload.Id, Token));
    }

    [Fact]
    public async Task Touching_an_unknown_upload_is_harmless()
    {
        await Store.TouchUploadAsync(NewUploadId(), T0, Token);

        Assert.Empty(await Store.ListUploadsTouchedBeforeAsync(T0.AddYears(1), Token));
    }

    [Fact]
    public async Task Deleting_an_upload_forgets_it()
    {
        var upload = new UploadRecord(NewUploadId(), "repo", T0, T0, Digest.Sha256);
        await Store.CreateUploadAsync(upload, Token);

        Assert.True(await Store.DeleteUploadAsync(upload.Id, Token));

        Assert.Null(await Store.GetUploadAsync("repo", upload.Id, Token));
        Assert.False(await Store.DeleteUploadAsync(upload.Id, Token));
    }

    [Fact]
    public async Task Expired_uploads_are_those_touched_strictly_before_the_cutoff_oldest_first()
    {
        var oldest = new UploadRecord(NewUploadId(), "a", T0, T0, Digest.Sha256);
        var middle = new UploadRecord(NewUploadId(), "b", T0, T0.AddHours(1), Digest.Sha256);
        var newest = new UploadRecord(NewUploadId(), "c", T0, T0.AddHours(2), Digest.Sha256);
        foreach (var upload in new[] { newest, oldest, middle })
        {
            await Store.CreateUploadAsync(upload, Token);
        }

        Assert.Equal([oldest], await Store.ListUploadsTouchedBeforeAsync(T0.AddHours(1), Token));
        Assert.Equal([oldest, middle], await Store.ListUploadsTouchedBeforeAsync(T0.AddHours(1).AddMilliseconds(1), Token));
        Assert.Empty(await Store.ListUploadsTouchedBeforeAsync(T0, Token));
    }

    [Fact]
    public async Task A_touched_upload_no_longer_expires()
    {
        var stale = new UploadRecord(NewUploadId(), "repo", T0, T0, Digest.Sha256);
        var other = new UploadRecord(NewUploadId(), "repo", T0, T0.AddHours(1), Digest.Sha256);
        await Store.CreateUploadAsync(stale, Token);
        await Store.CreateUploadAsync(other, Token);

        await Store.TouchUploadAsync(stale.Id, T0.AddHours(3), Token);

        Assert.Equal([other], await Store.ListUploadsTouchedBeforeAsync(T0.AddHours(2), Token));
    }

    // ---- concurrency ----

    [Fact]
    public async Task Concurrent_puts_of_one_tag_leave_it_pointing_at_one_of_the_manifests()
    {
        var manifests = Enumerable.Range(0, 20).Select(i => Manifest($"racer {i}", references: [DigestOf("layer"), DigestOf($"config {i}")])).ToArray();

        await Task.WhenAll(manifests.Select(m => Task.Run(() => Store.PutManifestAsync("repo", m, ["latest"], Token))));

        var winner = await Store.ResolveTagAsync("repo", "latest", Token);
        Assert.Contains(winner!.Value, manifests.Select(m => m.Digest));
        Assert.Equal(["latest"], await Store.ListTagsAsync("repo", null, 100, Token));
        foreach (var manifest in manifests)
        {
            AssertSameManifest(manifest, await Store.GetManifestAsync("repo", manifest.Digest, Token));
        }
    }

    [Fact]
    public async Task Concurrent_puts_of_one_manifest_store_it_once_with_every_tag()
    {
        var manifest = Manifest("popular", references: [DigestOf("layer")]);
        var tags = Enumerable.Range(0, 20).Select(i => $"t{i:00}").ToArray();

        await Task.WhenAll(tags.Select(tag => Task.Run(() => Store.PutManifestAsync("repo", manifest, [tag], Token))));

        Assert.Equal(tags, await Store.ListTagsAsync("repo", null, 100, Token));
        AssertSameManifest(manifest, await Store.GetManifestAsync("repo", manifest.Digest, Token));
    }

    [Fact]
    public async Task Concurrent_first_pushes_to_a_new_repository_create_it_once()
    {
        var blobs = Enumerable.Range(0, 20).Select(i => DigestOf($"layer {i}")).ToArray();

        await Task.WhenAll(blobs.Select(blob => Task.Run(() => Store.LinkBlobAsync("new/repo", blob, 7, Token))));

        Assert.Equal(["new/repo"], await Store.ListRepositoriesAsync(null, 100, Token));
        foreach (var blob in blobs)
        {
            Assert.Equal(7, await Store.GetBlobLinkAsync("new/repo", blob, Token));
        }
    }

    [Fact]
    public async Task Reads_during_writes_see_whole_puts()
    {
        var manifests = Enumerable.Range(0, 20).Select(i => Manifest($"version {i}")).ToArray();
        var writes = Task.Run(async () =>
        {
            foreach (var manifest in manifests)
            {
                await Store.PutManifestAsync("repo", manifest, ["latest"], Token);
            }
        });

        while (!writes.IsCompleted)
        {
            // A tag is only ever seen pointing at a manifest that is there.
            if (await Store.ResolveTagAsync("repo", "latest", Token) is { } digest)
            {
                Assert.NotNull(await Store.GetManifestAsync("repo", digest, Token));
            }
        }

        await writes;
        Assert.Equal(manifests[^1].Digest, await Store.ResolveTagAsync("repo", "latest", Token));
    }

    // ---- arguments ----

    [Fact]
    public async Task A_negative_limit_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListTagsAsync("repo", null, -1, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListRepositoriesAsync(null, -1, Token));
    }

    [Fact]
    public async Task An_empty_repository_name_is_refused()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.LinkBlobAsync("", DigestOf("layer"), 1, Token));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutManifestAsync("", Manifest("m"), [], Token));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ResolveTagAsync("", "v1", Token));
    }

    [Fact]
    public async Task An_empty_digest_is_refused()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.LinkBlobAsync("repo", default, 1, Token));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetManifestAsync("repo", default, Token));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutManifestAsync("repo", Manifest("m") with { Digest = default }, [], Token));
    }

    [Fact]
    public async Task A_put_with_an_invalid_tag_stores_nothing()
    {
        var manifest = Manifest("m");

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.PutManifestAsync("repo", manifest, ["v1", ""], Token));

        Assert.Null(await Store.GetManifestAsync("repo", manifest.Digest, Token));
        Assert.Null(await Store.ResolveTagAsync("repo", "v1", Token));
    }

    [Fact]
    public async Task A_cancelled_call_does_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Store.PutManifestAsync("repo", Manifest("m"), ["v1"], cancelled.Token));

        Assert.False(await Store.RepositoryExistsAsync("repo", Token));
    }

    // ---- helpers ----

    protected static Digest DigestOf(string content) => Digest.Compute(Encoding.UTF8.GetBytes(content));

    /// <summary>A manifest record whose digest is that of <paramref name="name"/>, so equal names make equal manifests.</summary>
    protected static ManifestRecord Manifest(
        string name,
        Digest? subject = null,
        string? artifactType = null,
        IReadOnlyDictionary<string, string>? annotations = null,
        IReadOnlyList<Digest>? references = null) =>
        new(DigestOf("manifest " + name), "application/vnd.oci.image.manifest.v1+json", 100 + name.Length, subject, artifactType, annotations, references ?? []);

    protected static void AssertSameManifest(ManifestRecord expected, ManifestRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Digest, actual.Digest);
        Assert.Equal(expected.MediaType, actual.MediaType);
        Assert.Equal(expected.Size, actual.Size);
        Assert.Equal(expected.Subject, actual.Subject);
        Assert.Equal(expected.ArtifactType, actual.ArtifactType);
        if (expected.Annotations is null)
        {
            Assert.Null(actual.Annotations);
        }
        else
        {
            Assert.NotNull(actual.Annotations);
            Assert.Equal(expected.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal), actual.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal));
        }

        Assert.Equal(Sorted(expected.References), Sorted(actual.References));
    }

    private static string[] Sorted(IEnumerable<Digest> digests) =>
        [.. digests.Select(d => d.ToString()).Distinct().Order(StringComparer.Ordinal)];

    private static string NewUploadId() => Guid.NewGuid().ToString();
}
