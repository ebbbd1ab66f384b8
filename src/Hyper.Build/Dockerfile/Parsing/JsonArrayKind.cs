namespace Hyper.Build.Dockerfile.Parsing;

/// <summary>What <see cref="JsonStringArray.Parse"/> found.</summary>
internal enum JsonArrayKind
{
    /// <summary>Not a JSON array at all (or not valid JSON): the text is shell form.</summary>
    NotJson,

    /// <summary>A valid JSON array of strings: exec form.</summary>
    Strings,

    /// <summary>Valid JSON, but an element is not a string: an error, not shell form.</summary>
    NotStrings,
}
