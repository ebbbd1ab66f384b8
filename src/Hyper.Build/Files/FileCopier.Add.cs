using System.Text;

using Hyper.Build.Execution;
using Hyper.Oci;

namespace Hyper.Build.Files;

/// <summary>What only ADD does: extract archives, download URLs.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class FileCopier
{
    private const int TarBlock = 512;
    private const string UnnamedDownload = "__unnamed__";

    /// <summary>Whether a file is a tar, plain or compressed, by its content as Docker decides it: its first header must be a valid tar header.</summary>
    private static async Task<bool> IsArchiveAsync(string path, CancellationToken ct)
    {
        var file = File.OpenRead(path);
        await using (file.ConfigureAwait(false))
        {
            try
            {
                var decompressed = await Decompressor.OpenAsync(file, ct).ConfigureAwait(false);
                await using (decompressed.ConfigureAwait(false))
                {
                    var header = new byte[TarBlock];
                    var read = await decompressed.ReadAtLeastAsync(header, TarBlock, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                    return read == TarBlock && HasValidChecksum(header);
                }
            }
            catch (Exception error) when (error is IOException or InvalidDataException or InvalidOperationException or NotSupportedException or IndexOutOfRangeException or ArgumentException)
            {
                // Compressed-looking bytes that do not decompress: an ordinary file.
                return false;
            }
        }
    }

    private static bool HasValidChecksum(byte[] header)
    {
        // The checksum field holds octal digits; the sum counts it as eight spaces.
        var field = Encoding.ASCII.GetString(header, 148, 8).Trim(' ', '\0');
        if (field.Length == 0 || field.Any(c => c is < '0' or > '7'))
        {
            return false;
        }

        long sum = 0;
        for (var i = 0; i < TarBlock; i++)
        {
            sum += i is >= 148 and < 156 ? ' ' : header[i];
        }

        return sum == Convert.ToInt64(field, 8) && header.Any(b => b != 0);
    }

    private static async Task ExtractAsync(TreeWriter writer, string archive, string written, string destination, CancellationToken ct)
    {
        var root = writer.EnsureDirectory(destination);
        var file = File.OpenRead(archive);
        await using (file.ConfigureAwait(false))
        {
            try
            {
                await LayerUnpacker.ExtractAsync(file, root, writer.ArchiveOwner, ct).ConfigureAwait(false);
            }
            catch (UnsafeLayerEntryException unsafeEntry)
            {
                throw new FileCopyException($"{written}: archive entry '{unsafeEntry.EntryName}' refused: {unsafeEntry.Message}", unsafeEntry);
            }
            catch (InvalidDataException damaged)
            {
                throw new FileCopyException($"{written}: damaged archive: {damaged.Message}", damaged);
            }
        }
    }

    private async Task AddUrlAsync(CopyOperation operation, TreeWriter writer, Uri url, string destination, bool intoDirectory, CancellationToken ct)
    {
        if (http is null)
        {
            throw new FileCopyException($"{url}: this builder was set up without HTTP access, so ADD cannot download");
        }

        var expected = default(Digest?);
        if (operation.Checksum is not null)
        {
            expected = Digest.TryParse(operation.Checksum, out var parsed)
                ? parsed
                : throw new FileCopyException($"invalid --checksum '{operation.Checksum}': expected sha256:<64 hex digits>");
        }

        var scratch = Directory.CreateTempSubdirectory("hyper-add-");
        try
        {
            var downloaded = Path.Combine(scratch.FullName, "download");
            DateTimeOffset? lastModified;
            using (var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false))
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new FileCopyException($"{url}: download failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                }

                lastModified = response.Content.Headers.LastModified;
                var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    var output = File.Create(downloaded);
                    await using (output.ConfigureAwait(false))
                    {
                        if (expected is { } digest)
                        {
                            try
                            {
                                await Digest.CopyAndVerifyAsync(body, output, digest, cancellationToken: ct).ConfigureAwait(false);
                            }
                            catch (DigestMismatchException mismatch)
                            {
                                throw new FileCopyException($"{url}: checksum mismatch: expected {digest}, downloaded {mismatch.Actual}", mismatch);
                            }
                        }
                        else
                        {
                            await body.CopyToAsync(output, ct).ConfigureAwait(false);
                        }
                    }
                }
            }

            if (operation.Unpack == true && await IsArchiveAsync(downloaded, ct).ConfigureAwait(false))
            {
                await ExtractAsync(writer, downloaded, url.ToString(), destination, ct).ConfigureAwait(false);
                return;
            }

            // BuildKit names the file after the URL's last path segment, whatever Content-Disposition says.
            var name = Uri.UnescapeDataString(url.AbsolutePath.TrimEnd('/').Split('/')[^1]);
            var target = intoDirectory ? Join(destination, name is "" or "." or ".." ? UnnamedDownload : name) : destination;
            var host = writer.PrepareFileTarget(target);
            var content = File.OpenRead(downloaded);
            await using (content.ConfigureAwait(false))
            {
                await writer.WriteFileAsync(content, host, UnixFileMode.UserRead | UnixFileMode.UserWrite, lastModified ?? DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
