using Hyper.Distribution.Registry;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

/// <summary>
/// The registry client every command uses, as the environment sets it up: the credentials it is given, and the waits
/// <c>$HYPER_REGISTRY_READ_TIMEOUT</c> (how long a request may go without a byte moving; <c>0</c> for
/// ever) and <c>$HYPER_REGISTRY_MAX_RETRY_AFTER</c> (the longest <c>Retry-After</c> obeyed), written as Go
/// durations (<c>30s</c>, <c>5m</c>, <c>1h</c>) as every other duration hyperbuild reads.
/// </summary>
internal static class RegistryClientEnvironment
{
    public const string ReadTimeoutVariable = "HYPER_REGISTRY_READ_TIMEOUT";
    public const string MaxRetryAfterVariable = "HYPER_REGISTRY_MAX_RETRY_AFTER";

    /// <summary>Client options with <paramref name="credentials"/> (from the auth files <c>AuthFileLocations</c> resolves) and the environment's waits.</summary>
    public static RegistryClientOptions CreateOptions(IRegistryCredentialProvider credentials)
    {
        var options = new RegistryClientOptions { Credentials = credentials };
        if (DurationOf(ReadTimeoutVariable) is { } read)
        {
            options.ReadTimeout = read == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : read;
        }

        if (DurationOf(MaxRetryAfterVariable) is { } wait)
        {
            options.MaxRetryAfter = wait;
        }

        return options;
    }

    private static TimeSpan? DurationOf(string variable)
    {
        if (Environment.GetEnvironmentVariable(variable) is not { Length: > 0 } text)
        {
            return null;
        }

        if (!GoDuration.TryParse(text, out var duration, out var error) || duration < TimeSpan.Zero)
        {
            throw new FormatException($"{variable} is '{text}': {error ?? "a wait cannot be negative"}; give a duration such as 30s or 5m");
        }

        return duration;
    }
}
