namespace Hyper.Cli.Commands;

/// <summary>What <c>--call</c> asked for: the method (<c>build</c>, <c>check</c>, <c>outline</c>, <c>targets</c>) and the format.</summary>
/// <param name="Method">The subrequest, lower case.</param>
/// <param name="Json">True for <c>format=json</c>.</param>
internal sealed record CallRequest(string Method, bool Json)
{
    public static readonly string[] Methods = ["build", "check", "outline", "targets"];

    /// <summary>
    /// Reads <c>--call</c> as docker buildx does (<c>outline</c>, <c>outline,format=json</c>); a
    /// <paramref name="format"/> given with <c>--format</c> applies unless the call names its own.
    /// </summary>
    public static CallRequest Parse(string? call, string format)
    {
        if (string.IsNullOrWhiteSpace(call))
        {
            return new CallRequest("build", format == "json");
        }

        var parts = call.Split(',', StringSplitOptions.TrimEntries);
        var method = parts[0].ToLowerInvariant();
        if (!Methods.Contains(method))
        {
            throw new FormatException($"unknown --call method '{parts[0]}': expected one of {string.Join(", ", Methods)}");
        }

        foreach (var option in parts.Skip(1))
        {
            format = option.ToLowerInvariant() switch
            {
                "format=json" => "json",
                "format=text" => "text",
                _ => throw new FormatException($"unknown --call option '{option}': expected format=text or format=json"),
            };
        }

        return new CallRequest(method, format == "json");
    }
}
