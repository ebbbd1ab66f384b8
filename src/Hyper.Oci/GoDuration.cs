using System.Diagnostics.CodeAnalysis;

namespace Hyper.Oci;

/// <summary>
/// Durations written as Go's <c>time.ParseDuration</c> reads them (<c>30s</c>, <c>1m30s</c>, <c>1.5h</c>,
/// <c>250ms</c>): HEALTHCHECK's flags take them in every Dockerfile in the wild, Distribution's config.yml
/// writes its timeouts so, and hyperbuild's environment variables follow both. The one parser for all of them.
/// </summary>
public static class GoDuration
{
    private const long NanosecondsPerTick = 100;

    private static readonly (string Unit, long Nanoseconds)[] Units =
    [
        ("ns", 1),
        ("us", 1_000),
        ("\u00b5s", 1_000),
        ("\u03bcs", 1_000),
        ("ms", 1_000_000),
        ("s", 1_000_000_000),
        ("m", 60_000_000_000),
        ("h", 3_600_000_000_000),
    ];

    /// <summary>Reads <paramref name="text"/>; on failure <paramref name="error"/> says why in Go's words.</summary>
    public static bool TryParse(string text, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = TimeSpan.Zero;
        if (!TryParseNanoseconds(text, out var nanoseconds, out error))
        {
            return false;
        }

        duration = TimeSpan.FromTicks(nanoseconds / NanosecondsPerTick);
        return true;
    }

    /// <summary>Reads <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">It is not a duration; the message says why in Go's words.</exception>
    public static TimeSpan Parse(string text) =>
        TryParse(text, out var duration, out var error) ? duration : throw new FormatException($"{error} (e.g. 24h, 1h30m, 90s or 500ms)");

    private static bool TryParseNanoseconds(string text, out long nanoseconds, [NotNullWhen(false)] out string? error)
    {
        nanoseconds = 0;
        error = null;
        var invalid = $"time: invalid duration \"{text}\"";
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        // A bare zero is the one number Go accepts without a unit.
        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            error = invalid;
            return false;
        }

        decimal total = 0;
        while (!s.IsEmpty)
        {
            var digits = 0;
            while (digits < s.Length && char.IsAsciiDigit(s[digits]))
            {
                digits++;
            }

            var numberEnd = digits;
            var fractionDigits = 0;
            if (numberEnd < s.Length && s[numberEnd] == '.')
            {
                numberEnd++;
                while (numberEnd < s.Length && char.IsAsciiDigit(s[numberEnd]))
                {
                    numberEnd++;
                    fractionDigits++;
                }
            }

            if (digits == 0 && fractionDigits == 0)
            {
                error = invalid;
                return false;
            }

            var number = decimal.Parse(s[..numberEnd], System.Globalization.CultureInfo.InvariantCulture);
            s = s[numberEnd..];
            var unitEnd = 0;
            while (unitEnd < s.Length && s[unitEnd] != '.' && !char.IsAsciiDigit(s[unitEnd]))
            {
                unitEnd++;
            }

            if (unitEnd == 0)
            {
                error = $"time: missing unit in duration \"{text}\"";
                return false;
            }

            var unit = s[..unitEnd].ToString();
            s = s[unitEnd..];
            var scale = Array.Find(Units, u => u.Unit == unit).Nanoseconds;
            if (scale == 0)
            {
                error = $"time: unknown unit \"{unit}\" in duration \"{text}\"";
                return false;
            }

            total += number * scale;
            if (total > long.MaxValue)
            {
                error = invalid;
                return false;
            }
        }

        nanoseconds = (long)decimal.Truncate(negative ? -total : total);
        return true;
    }
}
