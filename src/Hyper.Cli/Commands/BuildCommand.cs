using System.CommandLine;

using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Dockerfile.Lint;
using Hyper.Build.Solver;
using Hyper.Cli.Output;

namespace Hyper.Cli.Commands;

/// <summary>
/// <c>hyperbuild build</c>: today the <c>--call</c> subrequests docker buildx offers (check, outline,
/// targets), which read the Dockerfile the way a build would without running anything.
/// </summary>
public static partial class BuildCommand
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The Dockerfile has an error, or check violations are errors (<c># check=error=true</c>).</summary>
    public const int DockerfileFailed = 1;

    /// <summary>The command line cannot be acted on, or asks for something not available yet.</summary>
    public const int UsageFailed = 2;

    public static Command Create()
    {
        var file = new Option<string?>("--file", "-f") { Description = "Path of the Dockerfile (default: CONTEXT/Dockerfile)" };
        var buildArgs = new Option<string[]>("--build-arg")
        {
            Description = "Set a build argument: NAME=VALUE, or NAME to take the value from the environment (repeatable)",
        };
        var target = new Option<string?>("--target") { Description = "The stage to build" };
        var platform = new Option<string?>("--platform") { Description = "The platform to build for, e.g. linux/arm64 (default: this machine's)" };
        var call = new Option<string?>("--call")
        {
            Description = "Inspect the Dockerfile instead of building: check, outline or targets (',format=json' may follow)",
        };
        var check = new Option<bool>("--check") { Description = "Shorthand for --call=check" };
        var format = new Option<string>("--format") { Description = "Output of --call: text or json", DefaultValueFactory = static _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var context = new Argument<string>("CONTEXT") { Description = "The build context: a directory" };

        var command = new Command("build", "Build an image from a Dockerfile; with --call, check it or list what it offers.")
        {
            file, buildArgs, target, platform, call, check, format, context,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var request = CallRequest.Parse(parse.GetValue(check) ? "check" : parse.GetValue(call), parse.GetValue(format)!);
                if (request.Method == "build")
                {
                    error.WriteLine("hyperbuild: executing builds is not available yet; this version reads and checks Dockerfiles only.");
                    error.WriteLine("  use --call check, --call outline or --call targets to inspect the Dockerfile");
                    return UsageFailed;
                }

                var inputs = ReadInputs(
                    parse.GetValue(context)!, parse.GetValue(file), parse.GetValue(buildArgs) ?? [], parse.GetValue(target), parse.GetValue(platform));
                return request.Method switch
                {
                    "check" => RunCheck(output, inputs, request.Json),
                    "outline" => RunOutline(output, inputs, request.Json),
                    _ => RunTargets(output, inputs, request.Json),
                };
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"hyperbuild: {e.Message}");
                return UsageFailed;
            }
            catch (DockerfileException e)
            {
                error.WriteLine($"hyperbuild: {e.Message}");
                return DockerfileFailed;
            }
        });
        return command;
    }

    private static int RunCheck(TextWriter output, BuildInputs inputs, bool json)
    {
        var result = DockerfileCheck.Run(inputs.Text, inputs.FileName, inputs.Options, inputs.Ignore);
        if (json)
        {
            CheckReportWriter.WriteJson(output, result);
        }
        else
        {
            CheckReportWriter.WriteText(output, result, inputs.FileName, inputs.Lines);
        }

        return result.Failed ? DockerfileFailed : Ok;
    }

    private static int RunOutline(TextWriter output, BuildInputs inputs, bool json)
    {
        var plan = BuildPlanner.Plan(InstructionParser.Parse(DockerfileParser.Parse(inputs.Text, inputs.FileName)), inputs.Options);
        if (json)
        {
            OutlineWriter.WriteJson(output, plan.Outline);
        }
        else
        {
            OutlineWriter.WriteText(output, plan.Outline);
        }

        return Ok;
    }

    private static int RunTargets(TextWriter output, BuildInputs inputs, bool json)
    {
        var targets = TargetList.From(InstructionParser.Parse(DockerfileParser.Parse(inputs.Text, inputs.FileName)));
        if (json)
        {
            TargetListWriter.WriteJson(output, targets);
        }
        else
        {
            TargetListWriter.WriteText(output, targets);
        }

        return Ok;
    }
}
