#!/usr/bin/env bash
# Runs the whole test suite: build (warnings are errors), formatting check, every test project.
# Ends with one plain line: "N passed, N failed" (", N skipped" when some were skipped).
# A build failure or a formatting difference counts as one failure each.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
extra_failures=0

echo "== build"
if ! dotnet build Hyper.slnx -c Release -nologo -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== format"
if ! dotnet format Hyper.slnx --verify-no-changes --no-restore; then
  echo "dotnet format found differences: run 'dotnet format Hyper.slnx' and commit the result"
  extra_failures=$((extra_failures + 1))
fi

echo "== test"
dotnet test Hyper.slnx -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
test_status=${PIPESTATUS[0]}

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 92, Skipped: 0, Total: 92, ..."
count() { grep -oE "(^|[ ,-])$1: +[0-9]+" "$log" | grep -oE '[0-9]+$' | awk '{s+=$1} END {print s+0}'; }
passed=$(count Passed)
failed=$(( $(count Failed) + extra_failures ))
skipped=$(count Skipped)
if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the test run itself broke (crash, missing assembly): never report that as success
fi

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
