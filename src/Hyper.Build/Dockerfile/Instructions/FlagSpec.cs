namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>One flag an instruction accepts.</summary>
internal sealed record FlagSpec(string Name, FlagKind Kind)
{
    public static FlagSpec Bool(string name) => new(name, FlagKind.Bool);

    public static FlagSpec String(string name) => new(name, FlagKind.String);

    public static FlagSpec Strings(string name) => new(name, FlagKind.Strings);
}
