using System.Net;

using Hyper.Registry.Core;

using Microsoft.Extensions.DependencyInjection;

namespace Hyper.Registry.Tests.Api;

public sealed class UploadPurgingTests
{
    [Fact]
    public async Task Uploads_untouched_since_the_cutoff_are_removed_with_their_data()
    {
        await using var registry = await RunningRegistry.StartAsync();
        using var start = await registry.SendAsync(HttpMethod.Post, "/v2/purge/me/blobs/uploads/");
        var location = start.Headers.Location!.OriginalString;
        using var patch = await registry.SendAsync(HttpMethod.Patch, location, new byte[1000]);
        var uploads = registry.Services.GetRequiredService<BlobUploads>();

        var kept = await uploads.PurgeAsync(DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None);
        var purged = await uploads.PurgeAsync(DateTimeOffset.UtcNow.AddSeconds(1), CancellationToken.None);
        using var status = await registry.Client.GetAsync(location);

        Assert.Equal(0, kept);
        Assert.Equal(1, purged);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(registry.DataDirectory, "uploads")));
    }
}
