using System.Diagnostics;

namespace Hyper.Build.Execution;

/// <summary>
/// An OCI runtime binary (runc or crun) that runs a prepared bundle to completion. crun 1.8 refuses
/// this machine's hybrid cgroup v1+v2 layout, so runc is the default.
/// </summary>
public sealed class OciRuntime(string executable = "runc", string? stateDirectory = null)
{
    public string Executable { get; } = executable;

    /// <summary>
    /// The runtime to use: <paramref name="requested"/> (a name on PATH or a path), or with null the first of
    /// runc and crun that is installed. runc comes first because crun 1.8 fails on hosts with hybrid cgroups
    /// v1+v2 ("cgroups in hybrid mode not supported"), which these build machines have.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such runtime is installed.</exception>
    public static OciRuntime Find(string? requested, string stateDirectory)
    {
        foreach (var candidate in requested is null ? ["runc", "crun"] : new[] { requested })
        {
            if (Locate(candidate) is { } path)
            {
                return new OciRuntime(path, stateDirectory);
            }
        }

        var message = requested is null
            ? $"no OCI runtime found on PATH ({SearchPath}): install runc (apt-get install runc) or crun"
            : IsPath(requested)
                ? $"OCI runtime '{requested}' does not exist or is not an executable file"
                : $"OCI runtime '{requested}' not found on PATH ({SearchPath}): install it or give its full path";
        throw new FileNotFoundException(message, requested);
    }

    private static string SearchPath =>
        Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static bool IsPath(string name) => name.Contains('/', StringComparison.Ordinal);

    private static string? Locate(string name)
    {
        if (IsPath(name))
        {
            return IsExecutableFile(name) ? Path.GetFullPath(name) : null;
        }

        return SearchPath.Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(IsExecutableFile);
    }

    // As a shell's PATH search does: a file without execute permission is passed over, not chosen and
    // then failing with "permission denied" when the first RUN step starts.
    private static bool IsExecutableFile(string path) =>
        File.Exists(path)
        && (OperatingSystem.IsWindows()
            || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    /// <summary>
    /// Runs the bundle in <paramref name="bundleDirectory"/> as container <paramref name="id"/>, passing
    /// each line of its output to <paramref name="output"/> as it comes, and returns its exit code.
    /// Cancellation kills the container and removes it.
    /// </summary>
    public async Task<int> RunAsync(string bundleDirectory, string id, Action<string> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var startInfo = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (stateDirectory is not null)
        {
            startInfo.ArgumentList.Add("--root");
            startInfo.ArgumentList.Add(stateDirectory);
        }

        foreach (var argument in new[] { "run", "--bundle", bundleDirectory, id })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {Executable}");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await DeleteAsync(id).ConfigureAwait(false);
            throw;
        }

        // WaitForExitAsync returns when the process exits; this second wait drains the output events.
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Forcibly removes a container, running or not; used when a build is cancelled.</summary>
    private async Task DeleteAsync(string id)
    {
        var startInfo = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        if (stateDirectory is not null)
        {
            startInfo.ArgumentList.Add("--root");
            startInfo.ArgumentList.Add(stateDirectory);
        }

        foreach (var argument in new[] { "delete", "--force", id })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var delete = Process.Start(startInfo);
        if (delete is not null)
        {
            await delete.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
