namespace Hyper.Build.Dockerfile.Parsing;

/// <summary>A <c>&lt;&lt;WORD</c> found on an instruction line, before its body is read.</summary>
internal readonly record struct HeredocMarker(string Name, bool Expand, bool Chomp);
