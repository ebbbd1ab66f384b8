namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>HEALTHCHECK [--interval] [--timeout] [--start-period] [--start-interval] [--retries] CMD …</c> or <c>HEALTHCHECK NONE</c>.</summary>
public sealed record HealthcheckInstruction : Instruction
{
    /// <summary>The test as the image config stores it: <c>["NONE"]</c>, <c>["CMD", …]</c> or <c>["CMD-SHELL", "…"]</c>.</summary>
    public required IReadOnlyList<string> Test { get; init; }

    /// <summary>Zero means "not set" (the runtime default applies), as in the image config.</summary>
    public TimeSpan Interval { get; init; }

    public TimeSpan Timeout { get; init; }

    public TimeSpan StartPeriod { get; init; }

    public TimeSpan StartInterval { get; init; }

    public int Retries { get; init; }
}
