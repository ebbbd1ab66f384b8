namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>
/// The flags written on one instruction (<c>--from=build</c>, <c>--link</c>), checked against the flags that
/// instruction accepts with BuildKit's rules: every flag starts with <c>--</c>, <c>--</c> alone ends the
/// flags, only repeatable flags may repeat, and booleans take nothing, <c>true</c> or <c>false</c>.
/// </summary>
internal sealed class InstructionFlags
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _lists = new(StringComparer.Ordinal);

    private InstructionFlags()
    {
    }

    /// <summary>Reads <paramref name="written"/>; throws <see cref="InvalidInstructionException"/> naming the accepted flags.</summary>
    public static InstructionFlags Read(string instruction, IReadOnlyList<string> written, IReadOnlyList<FlagSpec> accepted)
    {
        var flags = new InstructionFlags();
        foreach (var flag in written)
        {
            if (flag == "--")
            {
                break;
            }

            if (!flag.StartsWith("--", StringComparison.Ordinal))
            {
                throw new InvalidInstructionException($"arg should start with -- : {flag}", AcceptedHint(instruction, accepted));
            }

            var equals = flag.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? flag[2..] : flag[2..equals];
            var value = equals < 0 ? null : flag[(equals + 1)..];
            var spec = accepted.FirstOrDefault(s => s.Name == name);
            if (spec is null)
            {
                var message = Suggestion.Append($"unknown flag: --{name}", name, accepted.Select(s => s.Name));
                throw new InvalidInstructionException(message, AcceptedHint(instruction, accepted));
            }

            flags.Add(spec, value);
        }

        return flags;
    }

    public bool IsSet(string name) => _values.ContainsKey(name) || _lists.ContainsKey(name);

    /// <summary>The value of a string flag, or null when it was not written.</summary>
    public string? String(string name) => _values.GetValueOrDefault(name);

    /// <summary>A boolean flag: false unless written as <c>--name</c> or <c>--name=true</c>.</summary>
    public bool Bool(string name) => _values.GetValueOrDefault(name) == "true";

    /// <summary>Null when the boolean flag was not written at all, so "not said" stays apart from "false".</summary>
    public bool? OptionalBool(string name) => _values.TryGetValue(name, out var value) ? value == "true" : null;

    public IReadOnlyList<string> Strings(string name) => _lists.TryGetValue(name, out var list) ? list : [];

    private void Add(FlagSpec spec, string? value)
    {
        var written = "--" + spec.Name;
        if (spec.Kind != FlagKind.Strings && _values.ContainsKey(spec.Name))
        {
            throw new InvalidInstructionException($"duplicate flag specified: {written}", $"give {written} once");
        }

        switch (spec.Kind)
        {
            case FlagKind.Bool:
                if (value is "")
                {
                    throw new InvalidInstructionException($"missing a value on flag: {written}", $"write {written}, {written}=true or {written}=false");
                }

                _values[spec.Name] = value?.ToLowerInvariant() switch
                {
                    null or "true" => "true",
                    "false" => "false",
                    _ => throw new InvalidInstructionException(
                        $"expecting boolean value for flag {written}, not: {value}", $"write {written}, {written}=true or {written}=false"),
                };
                break;
            case FlagKind.String:
                _values[spec.Name] = value ?? throw new InvalidInstructionException($"missing a value on flag: {written}", $"write {written}=<value>");
                break;
            case FlagKind.Strings:
                if (value is null)
                {
                    throw new InvalidInstructionException($"missing a value on flag: {written}", $"write {written}=<value>");
                }

                if (!_lists.TryGetValue(spec.Name, out var list))
                {
                    list = [];
                    _lists[spec.Name] = list;
                }

                list.Add(value);
                break;
        }
    }

    private static string AcceptedHint(string instruction, IReadOnlyList<FlagSpec> accepted) =>
        accepted.Count == 0
            ? $"{instruction} takes no flags"
            : $"{instruction} accepts {string.Join(", ", accepted.Select(s => "--" + s.Name))}";
}
