namespace Hyper.Registry.Configuration;

public sealed class DeleteOptions
{
    /// <summary>Off by default, as in Distribution: DELETE requests get 405 UNSUPPORTED.</summary>
    public bool Enabled { get; set; }
}
