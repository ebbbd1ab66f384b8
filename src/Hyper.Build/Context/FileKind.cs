using System.Formats.Tar;

namespace Hyper.Build.Context;

/// <summary>Tells regular files from pipes, sockets and devices, which .NET's file info does not.</summary>
internal static class FileKind
{
    /// <summary>True for a regular file; false for a pipe, socket or device (which must never be opened: a pipe blocks).</summary>
    public static bool IsRegularFile(FileInfo file)
    {
        // Pipes, sockets and devices report a size of 0, so anything longer is a regular file.
        if (file.Length > 0)
        {
            return true;
        }

        // For the rest, let the tar writer lstat it: it records the file type without opening a
        // pipe or device, and throws for a socket. An empty regular file costs one header.
        using var buffer = new MemoryStream();
        try
        {
            using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
            {
                writer.WriteEntry(file.FullName, "probe");
            }
        }
        catch (IOException)
        {
            return false;
        }

        buffer.Position = 0;
        using var reader = new TarReader(buffer);
        return reader.GetNextEntry()?.EntryType == TarEntryType.RegularFile;
    }
}
