using System.Globalization;

namespace Hyper.Registry.Configuration;

/// <summary>Durations written as Go writes them (<c>24h</c>, <c>1h30m</c>, <c>500ms</c>), as in Distribution's config.</summary>
public static class GoDuration
{
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan().Trim();
        if (span is "0")
        {
            return TimeSpan.Zero;
        }

        var total = TimeSpan.Zero;
        var any = false;
        while (!span.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] == '.'))
            {
                numberLength++;
            }

            var unitLength = 0;
            while (numberLength + unitLength < span.Length && IsUnitChar(span[numberLength + unitLength]))
            {
                unitLength++;
            }

            if (numberLength == 0 || unitLength == 0
                || !double.TryParse(span[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"invalid duration '{text}': expected e.g. 24h, 1h30m, 90s or 500ms");
            }

            var unit = span.Slice(numberLength, unitLength);
            total += unit switch
            {
                "h" => TimeSpan.FromHours(number),
                "m" => TimeSpan.FromMinutes(number),
                "s" => TimeSpan.FromSeconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                "us" or "µs" => TimeSpan.FromMicroseconds(number),
                "ns" => TimeSpan.FromTicks((long)(number / 100)),
                _ => throw new FormatException($"invalid duration '{text}': unknown unit '{unit}' (use h, m, s, ms, us or ns)"),
            };
            any = true;
            span = span[(numberLength + unitLength)..];
        }

        return any ? total : throw new FormatException($"invalid duration '{text}': expected e.g. 24h, 1h30m, 90s or 500ms");
    }

    private static bool IsUnitChar(char c) => char.IsAsciiLetter(c) || c == 'µ';
}
