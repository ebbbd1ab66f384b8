namespace Hyper.Registry.Configuration;

public sealed class LogOptions
{
    /// <summary><c>error</c>, <c>warn</c>, <c>info</c> or <c>debug</c>, as in Distribution.</summary>
    public string Level { get; set; } = "info";

    /// <summary><c>text</c> or <c>json</c>.</summary>
    public string Formatter { get; set; } = "text";
}
