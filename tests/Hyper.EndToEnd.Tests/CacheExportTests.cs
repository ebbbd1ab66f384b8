using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

using Hyper.Testing.Registry;

namespace Hyper.EndToEnd.Tests;

/// <summary>--cache-to and --cache-from: a fresh data root reuses layers another one built, through a directory or a registry.</summary>
public sealed class CacheExportTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private const string SecretValue = "cache-export-secret-Value-0815";

    // The quotes keep the marker out of the step's name: it is in the output only when the step runs.
    private const string Dockerfile = """
        FROM busybox AS tools
        RUN echo "ran"-tools | tee /tool
        FROM busybox
        COPY input.txt /input.txt
        RUN --mount=type=secret,id=token echo "ran"-app && cat /input.txt /run/secrets/token | sha256sum > /sum
        COPY --from=tools /tool /tool
        """;

    private readonly BuildWorkspace _origin = new(busybox);
    private readonly BuildWorkspace _fresh = new(busybox);

    public void Dispose()
    {
        _origin.Dispose();
        _fresh.Dispose();
    }

    [Fact]
    public async Task A_fresh_root_importing_a_local_cache_export_runs_nothing_and_gives_the_same_image()
    {
        var cache = _origin.Combine("cache");
        var built = await BuildOriginAsync("--cache-to", $"type=local,dest={cache},mode=max");

        var rebuilt = await BuildFreshAsync("--cache-from", $"type=local,src={cache}");

        Assert.Contains("ran-app", built.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ran-", rebuilt.Error, StringComparison.Ordinal);
        Assert.Equal((await _origin.ReadImageAsync("app:1")).Manifest.Digest, (await _fresh.ReadImageAsync("app:1")).Manifest.Digest);
    }

    [Fact]
    public async Task Mode_min_exports_only_the_layers_of_the_image_so_the_other_stage_runs_again()
    {
        var cache = _origin.Combine("cache");
        await BuildOriginAsync("--cache-to", $"type=local,dest={cache}");

        var rebuilt = await BuildFreshAsync("--cache-from", $"type=local,src={cache}");

        Assert.Contains("ran-tools", rebuilt.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ran-app", rebuilt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fresh_root_importing_cache_pushed_to_a_registry_runs_nothing_and_gives_the_same_image()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var reference = $"{registry.HostAndPort}/cache/app:buildcache";
        await BuildOriginAsync("--cache-to", $"type=registry,ref={reference},mode=max");

        var rebuilt = await BuildFreshAsync("--cache-from", reference);

        Assert.DoesNotContain("ran-", rebuilt.Error, StringComparison.Ordinal);
        Assert.Equal((await _origin.ReadImageAsync("app:1")).Manifest.Digest, (await _fresh.ReadImageAsync("app:1")).Manifest.Digest);
    }

    [Fact]
    public async Task An_image_pushed_with_inline_cache_is_cache_for_a_fresh_root()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var image = $"{registry.HostAndPort}/inline/app:1";
        WriteContext(_origin);
        await _origin.BuildSucceedsAsync("-t", image, "--push", "--secret", $"id=token,src={SecretFile(_origin)}", "--cache-to", "type=inline");

        var rebuilt = await BuildFreshAsync("--cache-from", image);

        // The app stage's steps are in the image and reused; the tools stage has no layer in it, so it runs again,
        // and the COPY from it (a new /tool, with a new time) with it.
        Assert.DoesNotContain("ran-app", rebuilt.Error, StringComparison.Ordinal);
        Assert.Contains("ran-tools", rebuilt.Error, StringComparison.Ordinal);
        var pushed = (await _origin.ReadImageAsync(image)).Config.RootFs.DiffIds;
        Assert.Equal(pushed.SkipLast(1), (await _fresh.ReadImageAsync("app:1")).Config.RootFs.DiffIds.SkipLast(1));
    }

    [Fact]
    public async Task A_cache_export_that_fails_with_ignore_error_is_a_warning()
    {
        WriteContext(_origin);
        var notADirectory = _origin.Combine("file");
        File.WriteAllText(notADirectory, "a file where the cache directory would go");
        var result = await _origin.BuildSucceedsAsync(
            "-t", "app:1", "--secret", $"id=token,src={SecretFile(_origin)}", "--cache-to", $"type=local,dest={notADirectory}/cache,ignore-error=true");

        Assert.Contains("WARNING: build cache not exported", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_used_by_a_step_is_in_no_blob_of_the_cache_export()
    {
        var cache = _origin.Combine("cache");
        await BuildOriginAsync("--cache-to", $"type=local,dest={cache},mode=max");

        var blobs = Directory.EnumerateFiles(Path.Combine(cache, "blobs"), "*", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(blobs);
        foreach (var blob in blobs)
        {
            var bytes = await BlobContent.ReadDecompressedAsync(blob);
            Assert.False(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(SecretValue)) >= 0, $"the secret is in the exported blob {blob}");
        }
    }

    [Fact]
    public async Task Cache_that_cannot_be_read_is_a_warning_and_the_build_runs()
    {
        WriteContext(_fresh);
        var result = await _fresh.BuildSucceedsAsync(
            "-t", "app:1", "--secret", $"id=token,src={SecretFile(_fresh)}", "--cache-from", $"type=local,src={_fresh.Combine("missing")}");

        Assert.Contains("WARNING: no build cache imported", result.Error, StringComparison.Ordinal);
        Assert.Contains("ran-app", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("type=s3,bucket=b")]
    [InlineData("type=local")]
    [InlineData("type=registry,ref=not a reference")]
    public async Task An_invalid_cache_option_is_a_clear_usage_error(string option)
    {
        WriteContext(_fresh);
        var result = await _fresh.BuildAsync("--cache-to", option);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--cache-to", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Imported_records_whose_layers_are_not_what_they_claim_are_not_used_or_kept()
    {
        var cache = _origin.Combine("cache");
        await BuildOriginAsync("--cache-to", $"type=local,dest={cache},mode=max");
        RewriteRecords(cache, records =>
        {
            // One record lies about its layer's DiffID, another has a layer and no DiffID.
            var withLayers = records.OfType<JsonObject>().Where(static r => r["layer"] is not null).ToList();
            withLayers[0]["diffID"] = "sha256:" + new string('a', 64);
            withLayers[1].Remove("diffID");
        });

        var rebuilt = await BuildFreshAsync("--cache-from", $"type=local,src={cache}");
        var again = await BuildFreshAsync();

        Assert.Contains("ran-", rebuilt.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ran-", again.Error, StringComparison.Ordinal);
        var stored = Directory.GetFiles(Path.Combine(_fresh.Root, "buildcache", "records")).Select(File.ReadAllText).ToList();
        Assert.DoesNotContain(stored, static r => r.Contains(new string('a', 64), StringComparison.Ordinal));
    }

    private async Task<HyperbuildResult> BuildOriginAsync(params string[] options)
    {
        WriteContext(_origin);
        return await _origin.BuildSucceedsAsync(["-t", "app:1", "--secret", $"id=token,src={SecretFile(_origin)}", .. options]);
    }

    private async Task<HyperbuildResult> BuildFreshAsync(params string[] options)
    {
        WriteContext(_fresh);
        return await _fresh.BuildSucceedsAsync(["-t", "app:1", "--secret", $"id=token,src={SecretFile(_fresh)}", .. options]);
    }

    /// <summary>Changes the records of a local cache export, writing the new config, manifest and index as an attacker could.</summary>
    private static void RewriteRecords(string layout, Action<JsonArray> change)
    {
        var indexPath = Path.Combine(layout, "index.json");
        var index = JsonNode.Parse(File.ReadAllText(indexPath))!;
        var manifestEntry = index["manifests"]![0]!;
        var manifest = JsonNode.Parse(File.ReadAllText(BlobPath(layout, manifestEntry["digest"]!.GetValue<string>())))!;
        var records = JsonNode.Parse(File.ReadAllText(BlobPath(layout, manifest["config"]!["digest"]!.GetValue<string>())))!.AsArray();
        change(records);

        var (configDigest, configSize) = WriteBlob(layout, records.ToJsonString());
        manifest["config"]!["digest"] = configDigest;
        manifest["config"]!["size"] = configSize;
        var (manifestDigest, manifestSize) = WriteBlob(layout, manifest.ToJsonString());
        manifestEntry["digest"] = manifestDigest;
        manifestEntry["size"] = manifestSize;
        File.WriteAllText(indexPath, index.ToJsonString());
    }

    private static (string Digest, long Size) WriteBlob(string layout, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        File.WriteAllBytes(BlobPath(layout, digest), bytes);
        return (digest, bytes.Length);
    }

    private static string BlobPath(string layout, string digest) => Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);

    private static string SecretFile(BuildWorkspace workspace)
    {
        var path = workspace.Combine("token");
        File.WriteAllText(path, SecretValue);
        return path;
    }

    private static void WriteContext(BuildWorkspace workspace)
    {
        workspace.WriteDockerfile(Dockerfile);
        workspace.WriteFile("input.txt", "input\n");
    }
}
