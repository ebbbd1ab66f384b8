using Hyper.Build.Solver;

namespace Hyper.Cli.Output;

/// <summary>Prints <c>--call outline</c>: the target, its build arguments, and the secrets and SSH sockets it mounts.</summary>
public static class OutlineWriter
{
    public static void WriteText(TextWriter output, BuildOutline outline)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(outline);
        if (outline.Name is not null || outline.Description is not null)
        {
            var rows = new List<IReadOnlyList<string>> { (string[])["TARGET:", outline.Name ?? "(default)"] };
            if (outline.Description is not null)
            {
                rows.Add((string[])["DESCRIPTION:", outline.Description]);
            }

            TextTable.Write(output, rows, padding: 1);
            output.WriteLine();
        }

        if (outline.Arguments.Count > 0)
        {
            TextTable.Write(
                output,
                [(string[])["BUILD ARG", "VALUE", "DESCRIPTION"], .. outline.Arguments.Select(static a => (string[])[a.Name, a.Value, a.Description ?? string.Empty])],
                padding: 3);
            output.WriteLine();
        }

        WriteCredentials(output, "SECRET", outline.Secrets);
        WriteCredentials(output, "SSH", outline.Ssh);
    }

    public static void WriteJson(TextWriter output, BuildOutline outline) => JsonText.Write(output, json =>
    {
        ArgumentNullException.ThrowIfNull(outline);
        json.WriteStartObject();
        JsonText.WriteOptional(json, "name", outline.Name);
        JsonText.WriteOptional(json, "description", outline.Description);
        if (outline.Arguments.Count > 0)
        {
            json.WriteStartArray("args");
            foreach (var argument in outline.Arguments)
            {
                json.WriteStartObject();
                json.WriteString("name", argument.Name);
                JsonText.WriteOptional(json, "description", argument.Description);
                JsonText.WriteOptional(json, "value", argument.Value);
                JsonText.WriteLocation(json, argument.Line, argument.Line);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        WriteCredentials(json, "secrets", outline.Secrets);
        WriteCredentials(json, "ssh", outline.Ssh);
        json.WriteEndObject();
    });

    private static void WriteCredentials(TextWriter output, string heading, IReadOnlyList<OutlineCredential> credentials)
    {
        if (credentials.Count == 0)
        {
            return;
        }

        TextTable.Write(
            output,
            [(string[])[heading, "REQUIRED"], .. credentials.Select(static c => (string[])[c.Id, c.Required ? "true" : string.Empty])],
            padding: 3);
        output.WriteLine();
    }

    private static void WriteCredentials(System.Text.Json.Utf8JsonWriter json, string name, IReadOnlyList<OutlineCredential> credentials)
    {
        if (credentials.Count == 0)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (var credential in credentials)
        {
            json.WriteStartObject();
            json.WriteString("name", credential.Id);
            if (credential.Required)
            {
                json.WriteBoolean("required", true);
            }

            JsonText.WriteLocation(json, credential.Line, credential.Line);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
