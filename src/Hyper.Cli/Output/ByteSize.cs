using System.Globalization;

namespace Hyper.Cli.Output;

/// <summary>Sizes for people: binary units (KiB, MiB, …) with one decimal, as docker prints them.</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>
    /// A size as docker's <c>--keep-storage</c> takes it: a number with an optional unit B, K/KB/KiB, M/MB/MiB,
    /// G/GB/GiB or T/TB/TiB, any case; units are powers of 1024 as in docker's RAMInBytes.
    /// </summary>
    /// <exception cref="FormatException">Not such a size.</exception>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var split = 0;
        while (split < trimmed.Length && (char.IsAsciiDigit(trimmed[split]) || trimmed[split] == '.'))
        {
            split++;
        }

        var unit = trimmed[split..].Trim().ToUpperInvariant().TrimEnd('B').TrimEnd('I');
        var power = unit switch { "" => 0, "K" => 1, "M" => 2, "G" => 3, "T" => 4, _ => -1 };
        if (split == 0 || power < 0 || !double.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            throw new FormatException($"invalid size \"{text}\": use a number with an optional unit, e.g. 512MB or 10GB");
        }

        return (long)(number * Math.Pow(1024, power));
    }

    public static string Format(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }
}
