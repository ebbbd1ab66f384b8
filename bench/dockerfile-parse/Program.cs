using System.Diagnostics;

using Hyper.Bench.DockerfileParse;
using Hyper.Build.Dockerfile;

const int Lines = 5000;
const int WarmUp = 200;
const int Runs = 20;

var text = SyntheticDockerfile.Generate(Lines);
var lineCount = text.Count(c => c == '\n');

// The first parse in a process includes JIT compilation: that is what one `hyperbuild build` pays.
var coldStart = Stopwatch.GetTimestamp();
var document = DockerfileParser.Parse(text);
var cold = Stopwatch.GetElapsedTime(coldStart).TotalMilliseconds;

// Enough warm-up for tiered compilation to finish, so the median measures the parser, not the JIT.
for (var i = 0; i < WarmUp; i++)
{
    document = DockerfileParser.Parse(text);
}

var times = new double[Runs];
var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
for (var i = 0; i < Runs; i++)
{
    var start = Stopwatch.GetTimestamp();
    document = DockerfileParser.Parse(text);
    times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}

var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / Runs;

Array.Sort(times);
var median = (times[(Runs - 1) / 2] + times[Runs / 2]) / 2;
Console.WriteLine($"parsed {lineCount} lines, {text.Length / 1024} KiB, {document.Instructions.Count} instructions, "
    + $"{document.Instructions.Sum(n => n.Heredocs.Count)} here-documents");
Console.WriteLine($"first parse (cold, with JIT): {cold:F2} ms");
Console.WriteLine($"median of {Runs} runs after {WarmUp} warm-up parses: {median:F2} ms "
    + $"(min {times[0]:F2}, max {times[^1]:F2}); {allocated / 1024} KiB allocated per parse");
