#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine with the .NET SDK: install what is missing, build
# everything, start hyperregistry on the embedded defaults (filesystem + SQLite), push an image
# into it, pull it back, and run it. The image is packed locally from busybox-static (no network);
# once hyperbuild builds images, it builds this one.
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

image=127.0.0.1:$port/examples/busybox:latest
echo "== make an example image (busybox-static) and push it to $image"
./scripts/busybox-image.sh "$work/layout" latest
skopeo --insecure-policy copy --dest-tls-verify=false "oci:$work/layout:latest" "docker://$image"

echo "== pull it back"
skopeo --insecure-policy copy --src-tls-verify=false "docker://$image" "oci:$work/pulled:latest"
pushed=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$image")
echo "pushed and pulled $image at $pushed"

echo "== run it"
podman run --rm --tls-verify=false --runtime runc --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 \
  "$image" sh -c 'echo "hello from $(uname -m) busybox, served by hyperregistry"'

echo "== hyperbuild checks examples/hello/Dockerfile (building it arrives with the engine)"
artifacts/bin/hyperbuild build --call targets --build-arg REGISTRY=127.0.0.1:$port examples/hello
artifacts/bin/hyperbuild build --call check --build-arg REGISTRY=127.0.0.1:$port examples/hello
