using System.Text;

namespace Hyper.Build.Context;

/// <summary>
/// The regular expressions moby's patternmatcher builds from .dockerignore lines, read with Go's
/// RE2 syntax and matched the way Go does (one code point at a time, <c>.</c> not matching a line
/// feed, <c>^</c> and <c>$</c> only at the ends of the text, <c>\d \s \w \b</c> ASCII-only).
/// Only the RE2 constructs such a regex can contain are supported: literals, escapes, classes
/// (with POSIX, Perl and Unicode category names), groups, <c>* + ?</c> and the anchors.
/// </summary>
internal sealed partial class IgnoreRegex
{
    private readonly List<State> states = [];
    private readonly int start;

    private IgnoreRegex(Node root)
    {
        var match = Add(new State(StateKind.Match));
        start = Compile(root, match);
    }

    private enum StateKind
    {
        Character,
        Split,
        Assertion,
        Match,
    }

    private enum Anchor
    {
        BeginText,
        EndText,
        WordBoundary,
        NotWordBoundary,
    }

    /// <summary>Whether the expression matches somewhere in <paramref name="text"/> (Go's MatchString).</summary>
    public bool IsMatch(string text)
    {
        var input = ToCodePoints(text);
        var seen = new int[states.Count];
        var generation = 0;
        var current = new List<int>();
        var next = new List<int>();

        generation++;
        AddClosure(current, start, input, 0, seen, generation);
        for (var position = 0; ; position++)
        {
            foreach (var index in current)
            {
                if (states[index].Kind == StateKind.Match)
                {
                    return true;
                }
            }

            if (position == input.Length)
            {
                return false;
            }

            generation++;
            next.Clear();
            foreach (var index in current)
            {
                var state = states[index];
                if (state.Kind == StateKind.Character && state.Class!.Contains(input[position]))
                {
                    AddClosure(next, state.Next, input, position + 1, seen, generation);
                }
            }

            // Unanchored search: a match may begin at any position.
            AddClosure(next, start, input, position + 1, seen, generation);
            (current, next) = (next, current);
        }
    }

    private void AddClosure(List<int> set, int index, int[] input, int position, int[] seen, int generation)
    {
        if (seen[index] == generation)
        {
            return;
        }

        seen[index] = generation;
        var state = states[index];
        switch (state.Kind)
        {
            case StateKind.Split:
                AddClosure(set, state.Next, input, position, seen, generation);
                AddClosure(set, state.Alternative, input, position, seen, generation);
                break;
            case StateKind.Assertion:
                if (Holds(state.Anchor, input, position))
                {
                    AddClosure(set, state.Next, input, position, seen, generation);
                }

                break;
            default:
                set.Add(index);
                break;
        }
    }

    private static bool Holds(Anchor anchor, int[] input, int position)
    {
        switch (anchor)
        {
            case Anchor.BeginText:
                return position == 0;
            case Anchor.EndText:
                return position == input.Length;
            default:
                var before = position > 0 && CharClass.IsAsciiWord(input[position - 1]);
                var after = position < input.Length && CharClass.IsAsciiWord(input[position]);
                return (before != after) == (anchor == Anchor.WordBoundary);
        }
    }

    /// <summary>Builds the states for <paramref name="node"/> in front of the state <paramref name="next"/>; returns its entry.</summary>
    private int Compile(Node node, int next)
    {
        switch (node)
        {
            case CharacterNode character:
                return Add(new State(StateKind.Character) { Class = character.Class, Next = next });
            case AnchorNode anchor:
                return Add(new State(StateKind.Assertion) { Anchor = anchor.Anchor, Next = next });
            case SequenceNode sequence:
                var entry = next;
                for (var i = sequence.Items.Count - 1; i >= 0; i--)
                {
                    entry = Compile(sequence.Items[i], entry);
                }

                return entry;
            case RepeatNode { Kind: '?' } optional:
                var body = Compile(optional.Item, next);
                return Add(new State(StateKind.Split) { Next = body, Alternative = next });
            case RepeatNode repeat:
                // '*' enters the loop at the split (may skip the item); '+' enters at the item.
                var loop = Add(new State(StateKind.Split) { Alternative = next });
                var item = Compile(repeat.Item, loop);
                states[loop] = states[loop] with { Next = item };
                return repeat.Kind == '*' ? loop : item;
            default:
                throw new InvalidOperationException($"unexpected regex node {node.GetType().Name}");
        }
    }

    private int Add(State state)
    {
        states.Add(state);
        return states.Count - 1;
    }

    private static int[] ToCodePoints(string text)
    {
        var points = new List<int>(text.Length);
        var index = 0;
        while (index < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var consumed);
            points.Add(rune.Value);
            index += consumed;
        }

        return [.. points];
    }

    private sealed record State(StateKind Kind)
    {
        public CharClass? Class { get; init; }

        public Anchor Anchor { get; init; }

        public int Next { get; init; }

        public int Alternative { get; init; }
    }

    private abstract record Node;

    private sealed record CharacterNode(CharClass Class) : Node;

    private sealed record AnchorNode(Anchor Anchor) : Node;

    private sealed record SequenceNode(List<Node> Items) : Node;

    private sealed record RepeatNode(Node Item, char Kind) : Node;
}
