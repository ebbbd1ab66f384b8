using System.Globalization;
using System.Text.RegularExpressions;

namespace Hyper.EndToEnd.Tests;

/// <summary>
/// Reads <c>--progress plain</c> output: where each vertex (<c>#N</c>) first starts and where it ends
/// (<c>#N DONE</c> or <c>#N ERROR</c>), by line number, to tell whether steps ran at the same time.
/// </summary>
public sealed partial class PlainLog
{
    private readonly Dictionary<string, int> _starts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ends = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    private PlainLog()
    {
    }

    public static PlainLog Parse(string output)
    {
        var log = new PlainLog();
        var lines = output.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (VertexLine().Match(lines[i]) is not { Success: true } match)
            {
                continue;
            }

            var vertex = match.Groups["vertex"].Value;
            var rest = match.Groups["rest"].Value;
            if (rest.StartsWith("DONE ", StringComparison.Ordinal) || rest.StartsWith("ERROR: ", StringComparison.Ordinal))
            {
                log._ends.TryAdd(vertex, i);
            }
            else if (rest != "..." && !double.TryParse(rest.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                // A name line; it is repeated when output of parallel vertices interleaves, the first one is the start.
                log._starts.TryAdd(vertex, i);
                log._names.TryAdd(vertex, rest);
            }
        }

        return log;
    }

    /// <summary>The vertices (<c>#N</c>) whose name contains <paramref name="fragment"/>.</summary>
    public IReadOnlyList<string> VerticesNamed(string fragment) =>
        _names.Where(n => n.Value.Contains(fragment, StringComparison.Ordinal)).Select(static n => n.Key).ToList();

    /// <summary>The line where <paramref name="vertex"/> started.</summary>
    public int StartOf(string vertex) => _starts[vertex];

    /// <summary>The line where <paramref name="vertex"/> ended.</summary>
    public int EndOf(string vertex) => _ends.TryGetValue(vertex, out var end) ? end : throw new InvalidOperationException($"{vertex} never ended");

    [GeneratedRegex(@"^(?<vertex>#\d+) (?<rest>.*)$")]
    private static partial Regex VertexLine();
}
