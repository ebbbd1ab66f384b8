using System.Text;

using Hyper.Build.Dockerfile.Parsing;

namespace Hyper.Build.Dockerfile;

public sealed partial class DockerfileParser
{
    /// <summary>
    /// Reads the bodies of the here-documents named on an instruction line, one after the other, each
    /// ending at a line equal to its delimiter (after removing leading tabs for <c>&lt;&lt;-</c>).
    /// </summary>
    private List<Heredoc> ReadHeredocs(DockerfileNode node, string line, int startLine)
    {
        List<HeredocMarker> markers;
        try
        {
            markers = HeredocMarkers.FromLine(line);
        }
        catch (FormatException e)
        {
            throw Error(startLine, $"cannot read the here-document delimiter: {e.Message}", node.Original, "quote the delimiter as a whole, e.g. <<'EOF' or <<\"EOF\"");
        }

        var heredocs = new List<Heredoc>(markers.Count);
        foreach (var marker in markers)
        {
            // Without chomping the body is one stretch of the text; with it, lines are copied without their tabs.
            var bodyStart = _position;
            var bodyEnd = _position;
            var chomped = marker.Chomp ? new StringBuilder() : null;
            var terminated = false;
            while (NextLine(out var raw, out var withEnding))
            {
                var candidate = TrimLineEnd(raw);
                if (marker.Chomp)
                {
                    candidate = candidate.TrimStart('\t');
                }

                if (candidate.SequenceEqual(marker.Name))
                {
                    terminated = true;
                    break;
                }

                // Line endings are kept as written, CRLF included, as BuildKit keeps them.
                chomped?.Append(withEnding.TrimStart('\t'));
                bodyEnd = _position;
            }

            if (!terminated)
            {
                throw Error(
                    startLine,
                    $"unterminated heredoc: no line '{marker.Name}' ends the here-document that starts on line {startLine}",
                    node.Original,
                    $"end the body with a line holding only {marker.Name}{(marker.Chomp ? " (leading tabs allowed)" : "")}");
            }

            var body = chomped?.ToString() ?? _text[bodyStart..bodyEnd];
            heredocs.Add(new Heredoc(marker.Name, body, marker.Expand, marker.Chomp));
        }

        return heredocs;
    }
}
