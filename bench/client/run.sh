#!/usr/bin/env bash
# hyperbuild side by side with skopeo as a registry client, on one hyperregistry on 127.0.0.1 (a free port),
# same machine, same run. Two images made here from random data: BIG (one SIZE_MIB layer) and MANY
# (LAYERS layers of LAYER_MIB each), gzip-compressed so that neither tool recompresses on the way.
# Figures, each the median of RUNS: push (`copy oci:… docker://…`) and pull (`copy docker://… oci:…`).
# Every push goes to a registry with no data, restarted for it, so no run can mount or skip a blob a
# previous run left (skopeo remembers where blobs were seen). Prints each figure, then skopeo/hyperbuild
# time ratios (> 1 means hyperbuild is faster).
#
# Env: SIZE_MIB (default 512), LAYERS (20), LAYER_MIB (8), RUNS (3), OUT.
set -euo pipefail
trap 'echo "bench/client: failed at line $LINENO: $BASH_COMMAND (logs in ${out:-?})" >&2' ERR
cd "$(dirname "$0")/../.."
root=$(pwd)
size_mib=${SIZE_MIB:-512} layers=${LAYERS:-20} layer_mib=${LAYER_MIB:-8} runs=${RUNS:-3}
out=${OUT:-/tmp/hyper-bench-client-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
registry=127.0.0.1:$port

dotnet publish src/Hyper.Registry -c Release -o "$out/registry-bin" -nologo -v quiet
dotnet publish src/Hyper.Cli -c Release -o "$out/hyperbuild-bin" -nologo -v quiet
hyperbuild=$out/hyperbuild-bin/hyperbuild

registry_pid=
stop_registry() { if [[ -n $registry_pid ]]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; registry_pid=; fi; }
# A registry with no data: the same binary and settings for every figure.
start_registry() {
  stop_registry
  rm -rf "$out/registry-data"
  REGISTRY_HTTP_ADDR=$registry REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=$out/registry-data REGISTRY_LOG_LEVEL=warn \
    "$out/registry-bin/hyperregistry" serve >>"$out/registry.log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 100); do curl -fs "http://$registry/v2/" >/dev/null && return; sleep 0.1; done
  echo "bench/client: hyperregistry did not start on $registry (see $out/registry.log)" >&2
  return 1
}
trap 'stop_registry' EXIT

# An OCI layout with one image of random gzip layers: make_image DIR LAYERS MIB_EACH
make_image() {
  python3 - "$1" "$2" "$3" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
directory, count, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
blobs = os.path.join(directory, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)
def store(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest
layers, diff_ids = [], []
for i in range(count):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        content = os.urandom(mib * 1024 * 1024)
        info = tarfile.TarInfo(f"data/layer{i}.bin"); info.size = len(content); info.mtime = 0
        tar.addfile(info, io.BytesIO(content))
    tar_bytes = raw.getvalue()
    diff_ids.append("sha256:" + hashlib.sha256(tar_bytes).hexdigest())
    compressed = gzip.compress(tar_bytes, compresslevel=1, mtime=0)
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": store(compressed), "size": len(compressed)})
config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": diff_ids},
                     "config": {"Cmd": ["/bin/sh"]}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": store(config), "size": len(config)},
                       "layers": layers}).encode()
index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": store(manifest),
         "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}
with open(os.path.join(directory, "index.json"), "w") as f: json.dump(index, f)
with open(os.path.join(directory, "oci-layout"), "w") as f: json.dump({"imageLayoutVersion": "1.0.0"}, f)
PY
}

seconds() { local start end; start=$(date +%s.%N); "$@" >>"$out/commands.log" 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

push_hyper() { "$hyperbuild" copy -q "oci:$1:latest" "docker://$registry/bench/$2:latest"; }
push_skopeo() { skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$1:latest" "docker://$registry/bench/$2:latest"; }
pull_hyper() { "$hyperbuild" copy -q "docker://$registry/bench/$1:latest" "oci:$2:latest"; }
pull_skopeo() { skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$registry/bench/$1:latest" "oci:$2:latest"; }

echo "making images in $out (big: 1 x ${size_mib} MiB, many: $layers x $layer_mib MiB)" >&2
rm -rf "$out/big" "$out/many"
make_image "$out/big" 1 "$size_mib"
make_image "$out/many" "$layers" "$layer_mib"

for image in big many; do
  for tool in hyper skopeo; do
    push_times=() pull_times=()
    for run in $(seq "$runs"); do
      start_registry
      push_times+=("$(seconds "push_$tool" "$out/$image" "$image")")
      rm -rf "$out/pulled"
      pull_times+=("$(seconds "pull_$tool" "$image" "$out/pulled")")
    done
    echo "client tool=$tool image=$image figure=push seconds=$(printf '%s\n' "${push_times[@]}" | median)" | tee -a "$out/figures.txt"
    echo "client tool=$tool image=$image figure=pull seconds=$(printf '%s\n' "${pull_times[@]}" | median)" | tee -a "$out/figures.txt"
  done
done
rm -rf "$out/pulled"

awk '
  /^client tool=/ { split($2, t, "="); split($3, i, "="); split($4, f, "="); split($5, s, "=")
    key = i[2] " " f[2]; if (t[2] == "hyper") h[key] = s[2]; else k[key] = s[2] }
  END { print ""; print "== skopeo seconds / hyperbuild seconds (> 1: hyperbuild faster)"
    split("big push,big pull,many push,many pull", keys, ",")
    for (n = 1; n <= 4; n++) if ((key = keys[n]) in h && key in k && h[key] > 0) printf "%-12s hyperbuild=%-8.2f skopeo=%-8.2f ratio=%.2f\n", key, h[key], k[key], k[key] / h[key] }' \
  "$out/figures.txt" | tee "$out/ratios.txt"
echo "results in $out"
