using Hyper.Oci;
using Hyper.Registry.Configuration;
using Hyper.Registry.Storage;

namespace Hyper.Registry.Core;

/// <summary>
/// Removes upload sessions nobody has touched for <c>storage.maintenance.uploadpurging.age</c>,
/// every <c>interval</c> (Distribution's upload purging, with its setting names), and at the same
/// interval what writers that died left in the blob store, whether or not purging is enabled.
/// </summary>
public sealed partial class UploadPurging(BlobUploads uploads, IBlobStore blobs, RegistryOptions options, TimeProvider clock, ILogger<UploadPurging> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Storage.Maintenance.UploadPurging;
        var age = GoDuration.Parse(settings.Age);
        using var timer = new PeriodicTimer(GoDuration.Parse(settings.Interval), clock);
        do
        {
            try
            {
                var purged = settings.Enabled ? await uploads.PurgeAsync(clock.GetUtcNow() - age, stoppingToken).ConfigureAwait(false) : 0;
                if (purged > 0)
                {
                    LogPurged(logger, purged, age);
                }

                var abandoned = await blobs.RemoveAbandonedWritesAsync(stoppingToken).ConfigureAwait(false);
                if (abandoned > 0)
                {
                    LogAbandonedWritesRemoved(logger, abandoned);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPurgeFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "removed {Count} upload sessions untouched for {Age}")]
    private static partial void LogPurged(ILogger logger, int count, TimeSpan age);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "removed {Count} temp files that writers which died left behind")]
    private static partial void LogAbandonedWritesRemoved(ILogger logger, int count);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "purging expired uploads failed; will retry at the next interval")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
