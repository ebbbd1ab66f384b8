using System.Globalization;
using System.Text;

namespace Hyper.Build.Context;

/// <summary>A set of code points: ranges and Unicode categories, possibly negated as a whole.</summary>
internal sealed class CharClass
{
    private readonly List<Func<int, bool>> members = [];

    public bool Negated { get; set; }

    public static CharClass Single(int codePoint)
    {
        var result = new CharClass();
        result.AddRange(codePoint, codePoint);
        return result;
    }

    /// <summary>Any character but a line feed: Go's <c>.</c> without the s flag.</summary>
    public static CharClass AnyButNewline()
    {
        var result = Single('\n');
        result.Negated = true;
        return result;
    }

    public static bool IsAsciiWord(int c) => c is (>= '0' and <= '9') or (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '_';

    public void AddRange(int low, int high) => members.Add(c => c >= low && c <= high);

    public void AddRanges(IReadOnlyList<(int Low, int High)> ranges, bool negated)
    {
        members.Add(c =>
        {
            foreach (var (low, high) in ranges)
            {
                if (c >= low && c <= high)
                {
                    return !negated;
                }
            }

            return negated;
        });
    }

    public void AddCategories(IReadOnlySet<UnicodeCategory>? categories, bool negated)
    {
        // A null set stands for "Any".
        members.Add(c =>
        {
            var inside = categories is null || categories.Contains(Rune.GetUnicodeCategory(new Rune(c)));
            return inside != negated;
        });
    }

    public bool Contains(int codePoint)
    {
        foreach (var member in members)
        {
            if (member(codePoint))
            {
                return !Negated;
            }
        }

        return Negated;
    }
}
