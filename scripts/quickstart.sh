#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine with the .NET SDK: install what is missing, build
# everything, start hyperregistry on the embedded defaults (filesystem + SQLite), build a busybox
# base image from Debian's busybox-static with hyperbuild (no network), push it, build the
# multi-stage example on it (hyperbuild pulls the base from hyperregistry), push that, pull it
# back, and run it with hyperbuild and with podman.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
./scripts/install-deps.sh

echo "== build"
dotnet publish src/Hyper.Cli -c Release -o artifacts/bin -nologo -v quiet
dotnet publish src/Hyper.Registry -c Release -o artifacts/bin -nologo -v quiet

port=${HYPER_QUICKSTART_PORT:-5000}
data=$(pwd)/artifacts/quickstart-data
work=$(mktemp -d)
echo "== start hyperregistry on 127.0.0.1:$port (data in $data)"
REGISTRY_HTTP_ADDR=127.0.0.1:$port REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=$data \
  artifacts/bin/hyperregistry serve >"$work/registry.log" 2>&1 &
registry_pid=$!
trap 'kill $registry_pid 2>/dev/null; wait $registry_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null || { cat "$work/registry.log"; exit 1; }

hyperbuild="artifacts/bin/hyperbuild --root $(pwd)/artifacts/quickstart-hyperbuild"
base=127.0.0.1:$port/examples/busybox:latest
app=127.0.0.1:$port/examples/hello:latest

echo "== hyperbuild builds a busybox base image from Debian's busybox-static and pushes it to $base"
$hyperbuild build --progress plain --build-context busybox-static=/usr/bin -t "$base" --push examples/busybox

echo "== hyperbuild builds the multi-stage example on it, pulling the base from hyperregistry, and pushes it"
$hyperbuild build --progress plain --pull --build-arg REGISTRY=127.0.0.1:$port -t "$app" --push examples/hello

echo "== pull it back (hyperbuild, and skopeo as an independent client)"
$hyperbuild pull --progress plain "$app"
skopeo --insecure-policy copy --src-tls-verify=false "docker://$app" "oci:$work/pulled:latest"
pushed=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$app")
echo "pushed and pulled $app at $pushed"

echo "== run it: with hyperbuild run, then with podman from the registry"
$hyperbuild run "$app"
podman run --rm --tls-verify=false --runtime runc --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 "$app"
