namespace Hyper.Build.Solver;

public sealed partial class BuildPlanner
{
    /// <summary>
    /// The build arguments, secrets and SSH sockets the target uses, gathered through its base stages and
    /// the stages it copies or mounts from, the target's own first, then sorted by line as BuildKit does.
    /// </summary>
    private static BuildOutline Outline(StageState target)
    {
        var arguments = new List<OutlineArgument>();
        var secrets = new List<OutlineCredential>();
        var ssh = new List<OutlineCredential>();
        var seenArguments = new HashSet<string>(StringComparer.Ordinal);
        var seenSecrets = new HashSet<string>(StringComparer.Ordinal);
        var seenSsh = new HashSet<string>(StringComparer.Ordinal);
        var visited = new HashSet<StageState>();
        Collect(target);

        return new BuildOutline
        {
            Name = target.Definition.Name,
            Description = target.Definition.Description,
            Arguments = [.. arguments.OrderBy(static a => a.Line)],
            Secrets = [.. secrets.OrderBy(static s => s.Line)],
            Ssh = [.. ssh.OrderBy(static s => s.Line)],
        };

        void Collect(StageState stage)
        {
            if (!visited.Add(stage))
            {
                return;
            }

            foreach (var name in UsedWithDependencies(stage).Order(StringComparer.Ordinal))
            {
                if (stage.OutlineArguments.TryGetValue(name, out var info) && seenArguments.Add(name))
                {
                    arguments.Add(new OutlineArgument(info.Name, info.Value, info.Description, info.Line));
                }
            }

            secrets.AddRange(stage.Secrets.Values.Where(s => seenSecrets.Add(s.Id)));
            ssh.AddRange(stage.Ssh.Values.Where(s => seenSsh.Add(s.Id)));
            if (stage.BaseState is not null)
            {
                Collect(stage.BaseState);
            }

            foreach (var (dependency, _) in stage.Dependencies)
            {
                Collect(dependency);
            }
        }
    }

    // A global ARG whose default used another global ARG makes that one used too.
    private static HashSet<string> UsedWithDependencies(StageState stage)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(stage.UsedArguments);
        while (pending.TryPop(out var name))
        {
            if (!used.Add(name))
            {
                continue;
            }

            if (stage.OutlineArguments.TryGetValue(name, out var info))
            {
                foreach (var dependency in info.Dependencies)
                {
                    pending.Push(dependency);
                }
            }
        }

        return used;
    }
}
