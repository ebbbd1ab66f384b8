namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>How an instruction flag takes its value.</summary>
internal enum FlagKind
{
    /// <summary><c>--link</c>, <c>--link=true</c> or <c>--link=false</c>.</summary>
    Bool,

    /// <summary><c>--from=value</c>, at most once.</summary>
    String,

    /// <summary><c>--exclude=value</c>, as many times as wanted.</summary>
    Strings,
}
