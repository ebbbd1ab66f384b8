using System.Text.Json.Serialization;

namespace Hyper.Oci;

/// <summary>
/// Docker's HEALTHCHECK settings. Durations are integers of nanoseconds in the JSON, as Go's
/// time.Duration is; zero means "inherit the default".
/// </summary>
public sealed record Healthcheck
{
    /// <summary><c>["NONE"]</c>, <c>["CMD", args…]</c> or <c>["CMD-SHELL", command]</c>.</summary>
    [JsonPropertyName("Test")]
    public IReadOnlyList<string>? Test { get; init; }

    [JsonPropertyName("Interval")]
    public long? IntervalNanoseconds { get; init; }

    [JsonPropertyName("Timeout")]
    public long? TimeoutNanoseconds { get; init; }

    [JsonPropertyName("StartPeriod")]
    public long? StartPeriodNanoseconds { get; init; }

    [JsonPropertyName("StartInterval")]
    public long? StartIntervalNanoseconds { get; init; }

    [JsonPropertyName("Retries")]
    public int? Retries { get; init; }
}
