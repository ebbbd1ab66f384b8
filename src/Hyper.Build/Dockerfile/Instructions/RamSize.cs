using System.Globalization;
using System.Text.RegularExpressions;

namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>
/// Sizes as docker reads them (go-units RAMInBytes): a number, an optional space, an optional binary unit letter
/// (k, m, g, t, p, any case), <c>i</c> and <c>b</c> optional; every unit a power of 1024. Used by
/// <c>RUN --mount=type=tmpfs,size=</c> and by <c>--keep-storage</c>.
/// </summary>
public static partial class RamSize
{
    /// <summary>The bytes <paramref name="text"/> stands for; false when it is not such a size.</summary>
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var match = text is null ? Match.Empty : Pattern().Match(text);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var multiplier = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "k" => 1L << 10,
            "m" => 1L << 20,
            "g" => 1L << 30,
            "t" => 1L << 40,
            "p" => 1L << 50,
            _ => 1L,
        };
        bytes = (long)(number * multiplier);
        return true;
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$")]
    private static partial Regex Pattern();
}
