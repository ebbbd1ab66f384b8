using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Lint;

namespace Hyper.Cli.Output;

/// <summary>Prints <c>--call check</c> results: each violation with its rule, line and source, then the error if any.</summary>
public static class CheckReportWriter
{
    private const int MaxSourceLines = 6;

    public static void WriteText(TextWriter output, CheckResult result, string fileName, IReadOnlyList<string> sourceLines)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(sourceLines);
        foreach (var violation in result.Violations)
        {
            output.WriteLine($"{fileName}:{violation.Line}: {violation.Rule.Name}: {violation.Message}");
            WriteSource(output, sourceLines, violation.Line, violation.EndLine);
            output.WriteLine($"  see {violation.Rule.Url}");
            output.WriteLine();
        }

        if (result.Error is { } error)
        {
            output.WriteLine($"{error.FileName}:{error.Line}: error: {error.Reason}");
            if (error.Line >= 1 && error.Line <= sourceLines.Count)
            {
                WriteSource(output, sourceLines, error.Line, InstructionEnd(sourceLines, error.Line, result.Document?.EscapeCharacter ?? '\\'));
            }
            else if (error.Instruction is not null)
            {
                output.WriteLine($"  {SourceExcerpt.Shorten(error.Instruction)}");
            }

            if (error.Hint is not null)
            {
                output.WriteLine($"  hint: {error.Hint}");
            }

            output.WriteLine();
        }
        else if (result.FailureMessage is { } failure)
        {
            output.WriteLine($"error: {failure}");
            output.WriteLine();
        }

        var failed = result.Failed;
        output.WriteLine((result.Violations.Count, failed) switch
        {
            (0, true) => "Check failed.",
            (1, true) => "Check failed: 1 warning has been found!",
            (var n, true) => $"Check failed: {n} warnings have been found!",
            (0, false) => "Check complete, no warnings found.",
            (1, false) => "Check complete, 1 warning has been found!",
            (var n, false) => $"Check complete, {n} warnings have been found!",
        });
    }

    public static void WriteJson(TextWriter output, CheckResult result) => JsonText.Write(output, json =>
    {
        ArgumentNullException.ThrowIfNull(result);
        json.WriteStartObject();
        json.WriteStartArray("warnings");
        foreach (var violation in result.Violations)
        {
            json.WriteStartObject();
            json.WriteString("ruleName", violation.Rule.Name);
            json.WriteString("description", violation.Rule.Description);
            json.WriteString("url", violation.Rule.Url.ToString());
            json.WriteString("detail", violation.Message);
            JsonText.WriteLocation(json, violation.Line, violation.EndLine);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (result.FailureMessage is { } failure)
        {
            json.WriteStartObject("buildError");
            json.WriteString("message", result.Error?.Reason ?? failure);
            if (result.Error?.Hint is { } hint)
            {
                json.WriteString("hint", hint);
            }

            if (result.Error is { } error)
            {
                JsonText.WriteLocation(json, error.Line, error.Line);
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    });

    // The error names the first line; the instruction goes on while lines end with the escape character.
    private static int InstructionEnd(IReadOnlyList<string> lines, int start, char escape)
    {
        var end = start;
        while (end < lines.Count && lines[end - 1].TrimEnd().EndsWith(escape))
        {
            end++;
        }

        return end;
    }

    private static void WriteSource(TextWriter output, IReadOnlyList<string> lines, int start, int end)
    {
        var last = Math.Min(Math.Min(end, lines.Count), start + MaxSourceLines - 1);
        var width = last.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        for (var line = Math.Max(start, 1); line <= last; line++)
        {
            output.WriteLine($"  {line.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width)} | {SourceExcerpt.Shorten(lines[line - 1])}");
        }

        if (end > last)
        {
            output.WriteLine($"  {new string(' ', width)} | …");
        }
    }
}
