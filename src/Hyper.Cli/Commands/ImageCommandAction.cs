using System.CommandLine;

using Hyper.Build.Execution;
using Hyper.Distribution;
using Hyper.Distribution.Registry;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

/// <summary>
/// How the image commands (copy, pull, push, inspect) fail: what the user can act on is one line
/// <c>hyperbuild: …</c> and exit code 1, never a stack trace.
/// </summary>
internal static class ImageCommandAction
{
    public const int Failed = 1;

    public static async Task<int> RunAsync(ParseResult parse, Func<Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            parse.InvocationConfiguration.Error.WriteLine($"hyperbuild: {e.Message}");
            return Failed;
        }
    }

    // Argument covers a push to a digest that is not the image's; invalid-operation covers an ambiguous layout ("holds 2 images, name one") and --all to a one-image destination;
    // I/O covers missing files, non-empty --rootfs directories and digest mismatches (DigestMismatchException is one).
    private static bool IsUserFacing(Exception e) => e is RegistryClientException or DigestMismatchException or PlatformNotFoundException
        or FormatException or KeyNotFoundException or InvalidOciDocumentException or IOException or UnauthorizedAccessException
        or InvalidOperationException or UnsafeLayerEntryException or NotSupportedException or ArgumentException;
}
