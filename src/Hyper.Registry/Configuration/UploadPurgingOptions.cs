namespace Hyper.Registry.Configuration;

public sealed class UploadPurgingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>An upload untouched this long is abandoned and removed (Go duration, e.g. <c>24h</c>).</summary>
    public string Age { get; set; } = "24h";

    /// <summary>How often abandoned uploads are looked for.</summary>
    public string Interval { get; set; } = "1h";
}
