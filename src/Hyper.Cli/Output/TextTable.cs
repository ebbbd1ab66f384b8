namespace Hyper.Cli.Output;

/// <summary>
/// Columns aligned with spaces, as Go's tabwriter lays out <c>docker buildx --call</c> results: every column
/// but the last is as wide as its widest cell plus the padding.
/// </summary>
public static class TextTable
{
    public static void Write(TextWriter output, IReadOnlyList<IReadOnlyList<string>> rows, int padding)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(rows);
        var columns = rows.Count == 0 ? 0 : rows.Max(static r => r.Count);
        var widths = Enumerable.Range(0, columns)
            .Select(c => rows.Where(r => c < r.Count - 1).Select(r => r[c].Length).DefaultIfEmpty(0).Max() + padding)
            .ToArray();
        foreach (var row in rows)
        {
            var line = string.Concat(row.Select((cell, c) => c < row.Count - 1 ? cell.PadRight(widths[c]) : cell));
            output.WriteLine(line.TrimEnd());
        }
    }
}
