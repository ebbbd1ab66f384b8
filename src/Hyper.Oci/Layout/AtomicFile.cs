namespace Hyper.Oci.Layout;

/// <summary>Writes a file under a temporary name beside it and renames it into place when complete.</summary>
internal static class AtomicFile
{
    public static async Task WriteAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        var destination = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(destination) ?? throw new IOException($"cannot write a file at '{destination}'");
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(destination)}.tmp-{Guid.NewGuid():N}");
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16, useAsync: true);
            await using (file.ConfigureAwait(false))
            {
                await write(file).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
