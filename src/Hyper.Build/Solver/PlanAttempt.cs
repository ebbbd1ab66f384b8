using Hyper.Build.Dockerfile;

namespace Hyper.Build.Solver;

/// <summary>The result of <see cref="BuildPlanner.TryPlan"/>: a plan, an error, or a partial plan and the error that stopped it.</summary>
/// <param name="Plan">The plan, or null when planning stopped before any stage's steps.</param>
/// <param name="Error">What stopped planning, or null when the plan is complete.</param>
public sealed record PlanAttempt(BuildPlan? Plan, DockerfileException? Error);
