using System.Formats.Tar;

namespace Hyper.Oci.Tests.Layout;

/// <summary>Small tars read whole and written back, for tests that build or tamper with archives.</summary>
internal static class TarFiles
{
    public sealed record Entry(string Name, TarEntryType Type, byte[] Content, string? LinkName = null)
    {
        public static Entry File(string name, byte[] content) => new(name, TarEntryType.RegularFile, content);

        public static Entry SymbolicLink(string name, string target) => new(name, TarEntryType.SymbolicLink, [], target);
    }

    public static List<Entry> Read(string path)
    {
        var entries = new List<Entry>();
        using var reader = new TarReader(System.IO.File.OpenRead(path));
        while (reader.GetNextEntry() is { } entry)
        {
            var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries.Add(new Entry(entry.Name, entry.EntryType, content.ToArray(), entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink ? entry.LinkName : null));
        }

        return entries;
    }

    public static void Write(string path, IEnumerable<Entry> entries)
    {
        using var writer = new TarWriter(System.IO.File.Create(path), TarEntryFormat.Pax);
        foreach (var entry in entries)
        {
            var written = new PaxTarEntry(entry.Type, entry.Name);
            if (entry.LinkName is not null)
            {
                written.LinkName = entry.LinkName;
            }

            if (entry.Type is TarEntryType.RegularFile)
            {
                written.DataStream = new MemoryStream(entry.Content);
            }

            writer.WriteEntry(written);
        }
    }
}
