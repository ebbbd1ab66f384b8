namespace Hyper.Build.Dockerfile;

/// <summary>A here-document (<c>&lt;&lt;EOF</c> … <c>EOF</c>) attached to RUN, COPY or ADD.</summary>
/// <param name="Name">The delimiter word, without quotes or the <c>-</c>.</param>
/// <param name="Content">The body, with a trailing newline; leading tabs removed for <c>&lt;&lt;-</c>.</param>
/// <param name="Expand">False when the delimiter was quoted: variables in the body are left alone.</param>
/// <param name="Chomp">True for <c>&lt;&lt;-</c>: leading tabs were stripped from each line.</param>
public sealed record Heredoc(string Name, string Content, bool Expand, bool Chomp);
