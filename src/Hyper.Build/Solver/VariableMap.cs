using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Hyper.Build.Solver;

/// <summary>
/// The ENV and ARG values of a stage as one immutable version per step. Versions share their structure, so
/// every step can keep the variables it saw without a copy (a copy per step made a stage of N ENVs cost N²).
/// Enumerates in the order names were first set, as a <see cref="Dictionary{TKey,TValue}"/> without removals
/// does: a replaced value keeps its place, so RUN sees the variables in the order the Dockerfile gave them.
/// </summary>
internal sealed class VariableMap : IReadOnlyDictionary<string, string>
{
    public static readonly VariableMap Empty = new(ImmutableDictionary.Create<string, (string Value, long Order)>(StringComparer.Ordinal), 0);

    private readonly ImmutableDictionary<string, (string Value, long Order)> _entries;
    private readonly long _nextOrder;

    private VariableMap(ImmutableDictionary<string, (string Value, long Order)> entries, long nextOrder)
    {
        _entries = entries;
        _nextOrder = nextOrder;
    }

    public int Count => _entries.Count;

    public IEnumerable<string> Keys => this.Select(static p => p.Key);

    public IEnumerable<string> Values => this.Select(static p => p.Value);

    public string this[string key] => _entries[key].Value;

    public static VariableMap From(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var map = Empty;
        foreach (var (name, value) in variables)
        {
            map = map.Set(name, value);
        }

        return map;
    }

    /// <summary>A version with <paramref name="name"/> set to <paramref name="value"/>; this one is unchanged.</summary>
    public VariableMap Set(string name, string value) => _entries.TryGetValue(name, out var existing)
        ? new VariableMap(_entries.SetItem(name, (value, existing.Order)), _nextOrder)
        : new VariableMap(_entries.Add(name, (value, _nextOrder)), _nextOrder + 1);

    /// <summary>A version with <paramref name="name"/> set unless it already is.</summary>
    public VariableMap SetIfAbsent(string name, string value) => _entries.ContainsKey(name) ? this : Set(name, value);

    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
        _entries.OrderBy(static e => e.Value.Order).Select(static e => KeyValuePair.Create(e.Key, e.Value.Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
