#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine with the .NET SDK: install what is missing, build
# everything, and show what the executables can do. It grows as features land (registry, build,
# push, pull, run).
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
./scripts/install-deps.sh

echo "== build"
dotnet publish src/Hyper.Cli -c Release -o artifacts/bin -nologo -v quiet
dotnet publish src/Hyper.Registry -c Release -o artifacts/bin -nologo -v quiet

echo "== hyperbuild --help"
artifacts/bin/hyperbuild --help
echo "== hyperregistry --help"
artifacts/bin/hyperregistry --help
echo "Executables are in $(pwd)/artifacts/bin"
