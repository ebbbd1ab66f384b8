using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hyper.Cli.Output;

/// <summary>Indented JSON written by hand, so the shapes match BuildKit's subrequest results and need no reflection.</summary>
public static class JsonText
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,

        // Keep '+', '<' and quotes in Dockerfile text readable; only what JSON requires is escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(write);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>A source location as BuildKit reports one: <c>{"ranges":[{"start":{"line":N},"end":{"line":M}}]}</c>.</summary>
    public static void WriteLocation(Utf8JsonWriter writer, int startLine, int endLine)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject("location");
        writer.WriteStartArray("ranges");
        writer.WriteStartObject();
        writer.WriteStartObject("start");
        writer.WriteNumber("line", startLine);
        writer.WriteEndObject();
        writer.WriteStartObject("end");
        writer.WriteNumber("line", endLine);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes the property only when the value is not empty, as Go's <c>omitempty</c> does.</summary>
    public static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }
}
