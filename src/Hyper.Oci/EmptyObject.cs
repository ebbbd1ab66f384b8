namespace Hyper.Oci;

/// <summary>The JSON value <c>{}</c>, as used for the values of ExposedPorts and Volumes.</summary>
public sealed record EmptyObject
{
    public static EmptyObject Instance { get; } = new();
}
