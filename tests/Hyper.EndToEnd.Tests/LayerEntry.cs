using System.Formats.Tar;

namespace Hyper.EndToEnd.Tests;

/// <summary>One entry of a layer tar, as a test compares it.</summary>
public sealed record LayerEntry(string Name, TarEntryType Type, int Uid, int Gid, UnixFileMode Mode, string LinkName, byte[]? Content)
{
    public string Text => Content is null ? string.Empty : System.Text.Encoding.UTF8.GetString(Content);
}
