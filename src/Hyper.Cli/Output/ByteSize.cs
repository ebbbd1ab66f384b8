using System.Globalization;

using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Cli.Output;

/// <summary>Sizes for people: binary units (KiB, MiB, …) with one decimal, as docker prints them.</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>A size as docker's <c>--keep-storage</c> takes it (see <see cref="RamSize"/>), e.g. <c>10GB</c>.</summary>
    /// <exception cref="FormatException">Not such a size.</exception>
    public static long Parse(string text) =>
        RamSize.TryParse(text?.Trim(), out var bytes)
            ? bytes
            : throw new FormatException($"invalid size \"{text}\": use a number with an optional unit, e.g. 512MB or 10GB");

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
