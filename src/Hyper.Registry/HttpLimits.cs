using System.Globalization;

using Hyper.Oci;
using Hyper.Registry.Configuration;

using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Hyper.Registry;

/// <summary>
/// What keeps clients that stall, trickle or hoard connections from holding the registry: Kestrel's
/// minimum data rates with <c>http.timeout.*</c> as their grace periods, and a connection cap.
/// </summary>
public static class HttpLimits
{
    /// <summary>Kestrel checks rates once a second, so a grace period must be longer than that.</summary>
    private static readonly TimeSpan ShortestTimeout = TimeSpan.FromSeconds(1);

    public static void Apply(HttpOptions http, KestrelServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(limits);
        var read = TimeoutOf(http.Timeout.Read);
        var write = TimeoutOf(http.Timeout.Write);
        var idle = TimeoutOf(http.Timeout.Idle);

        // Blobs are streamed to disk, never buffered: there is no reason to cap their size. What must be
        // bounded is how long a body may stall, or a client holds a socket and a temp file forever.
        limits.MaxRequestBodySize = null;
        limits.RequestHeadersTimeout = read ?? Timeout.InfiniteTimeSpan;
        limits.KeepAliveTimeout = idle ?? Timeout.InfiniteTimeSpan;
        limits.MinRequestBodyDataRate = http.MinDataRate > 0 && read is { } readGrace ? new MinDataRate(http.MinDataRate, readGrace) : null;
        limits.MinResponseDataRate = http.MinDataRate > 0 && write is { } writeGrace ? new MinDataRate(http.MinDataRate, writeGrace) : null;
        limits.MaxConcurrentConnections = (http.MaxConnections ?? DefaultMaxConnections()) is > 0 and var cap ? cap : null;
    }

    /// <summary>A timeout setting: null when switched off (<c>0</c>), else longer than a second.</summary>
    public static TimeSpan? TimeoutOf(string value)
    {
        var timeout = GoDuration.Parse(value);
        if (timeout == TimeSpan.Zero)
        {
            return null;
        }

        return timeout > ShortestTimeout
            ? timeout
            : throw new FormatException($"'{value}' is too short: give more than 1s, or 0 for no timeout");
    }

    /// <summary>
    /// A quarter of the file descriptors still free (Linux; no cap elsewhere): an uploading connection holds
    /// a socket and a file, and the rest is left for the database, blob reads, assemblies loaded later and
    /// the connections being turned away (each is accepted, then closed).
    /// </summary>
    private static long? DefaultMaxConnections()
    {
        const string limitsFile = "/proc/self/limits";
        const string openFiles = "/proc/self/fd";
        if (!File.Exists(limitsFile) || !Directory.Exists(openFiles))
        {
            return null;
        }

        // "Max open files            1024                 1048576              files": the soft limit is the first number.
        foreach (var line in File.ReadLines(limitsFile))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length == 0 || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
                {
                    return null; // "unlimited"
                }

                var free = limit - Directory.EnumerateFileSystemEntries(openFiles).LongCount();
                return Math.Max(16, free / 4);
            }
        }

        return null;
    }
}
