namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>One <c>key=value</c> of ENV or LABEL.</summary>
/// <param name="Key">The name.</param>
/// <param name="Value">The value; quotes are kept until the instruction is planned.</param>
/// <param name="IsLegacyForm">True for the old <c>ENV key value</c> form, without <c>=</c>.</param>
public sealed record KeyValue(string Key, string Value, bool IsLegacyForm = false);
