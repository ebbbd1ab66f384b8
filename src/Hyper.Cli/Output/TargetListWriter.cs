using Hyper.Build.Solver;

namespace Hyper.Cli.Output;

/// <summary>Prints <c>--call targets</c>: every stage with its description, the default one marked.</summary>
public static class TargetListWriter
{
    public static void WriteText(TextWriter output, IReadOnlyList<StageTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(targets);
        TextTable.Write(
            output,
            [(string[])["TARGET", "DESCRIPTION"], .. targets.Select(static t => (string[])[Label(t), t.Description ?? string.Empty])],
            padding: 1);
    }

    public static void WriteJson(TextWriter output, IReadOnlyList<StageTarget> targets) => JsonText.Write(output, json =>
    {
        ArgumentNullException.ThrowIfNull(targets);
        json.WriteStartObject();
        json.WriteStartArray("targets");
        foreach (var target in targets)
        {
            json.WriteStartObject();
            JsonText.WriteOptional(json, "name", target.Name);
            if (target.IsDefault)
            {
                json.WriteBoolean("default", true);
            }

            JsonText.WriteOptional(json, "description", target.Description);
            JsonText.WriteOptional(json, "base", target.Base);
            JsonText.WriteOptional(json, "platform", target.Platform);
            JsonText.WriteLocation(json, target.Line, target.Line);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    // An unnamed stage has no name to give --target; only the default one is worth a label.
    private static string Label(StageTarget target) => (target.Name, target.IsDefault) switch
    {
        (null, true) => "(default)",
        (null, false) => string.Empty,
        (var name, true) => $"{name} (default)",
        (var name, false) => name,
    };
}
