namespace Hyper.Registry.Configuration;

public sealed class RedisOptions
{
    /// <summary>Empty for the in-process cache; <c>redis://host:port</c> to share one (REGISTRY_REDIS_URL).</summary>
    public string Url { get; set; } = string.Empty;
}
