#!/usr/bin/env bash
# hyperregistry side by side with CNCF Distribution (Debian's docker-registry 2.8) on 127.0.0.1,
# same machine, same run. Figures: raw blob upload/download with curl, skopeo push/pull of a
# ~SIZE_MIB single-layer image, push and pull of SMALL_IMAGES small images, wrk requests/s on
# manifest GET by tag, peak RSS. Prints each server's figures, then hyper/distribution ratios
# (> 1 means hyperregistry is better for throughputs, < 1 for memory).
#
# Uses ../shared/peers (setup.sh, peer-registry.sh, base-image.sh, bench-registry.sh).
# Env: SIZE_MIB (default 512), RUNS (3), SMALL_IMAGES (200), WRK_DURATION (10s), OUT.
set -euo pipefail
trap 'echo "bench/registry: failed at line $LINENO: $BASH_COMMAND (logs in ${out:-?})" >&2' ERR
cd "$(dirname "$0")/../.."
root=$(pwd)
peers=$(cd "$root/../shared/peers" && pwd)
export SIZE_MIB=${SIZE_MIB:-512} RUNS=${RUNS:-3} WRK_DURATION=${WRK_DURATION:-10s}
small=${SMALL_IMAGES:-200}
out=${OUT:-/tmp/hyper-bench-registry-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
hyper_port=5000 peer_port=5055

"$peers/setup.sh" "127.0.0.1:$peer_port" "127.0.0.1:$hyper_port" >"$out/setup.log" 2>&1
dotnet publish src/Hyper.Registry -c Release -o "$out/bin" -nologo -v quiet

"$peers/peer-registry.sh" stop "$peer_port" "$out/peer" >/dev/null 2>&1 || true
rm -rf "$out/peer" "$out/hyper-data"
"$peers/peer-registry.sh" start "$peer_port" "$out/peer" >"$out/peer.log" 2>&1
REGISTRY_HTTP_ADDR=127.0.0.1:$hyper_port REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=$out/hyper-data \
  REGISTRY_STORAGE_DELETE_ENABLED=true REGISTRY_LOG_LEVEL=warn \
  "$out/bin/hyperregistry" serve >"$out/hyper.log" 2>&1 &
hyper_pid=$!
trap 'kill $hyper_pid 2>/dev/null; "$peers/peer-registry.sh" stop $peer_port "$out/peer" >/dev/null 2>&1' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$hyper_port/v2/" >/dev/null && break; sleep 0.1; done

# N small images: one tiny layer each, pushed to N repositories and pulled back, with skopeo.
small_images() { # url label
  local host=${1#http://} dir=$out/small
  rm -rf "$dir"; mkdir -p "$dir"
  "$root/scripts/busybox-image.sh" "$dir/layout" latest >/dev/null
  local start end
  start=$(date +%s.%N)
  for i in $(seq "$small"); do
    skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$dir/layout:latest" "docker://$host/small/img$i:latest"
  done
  end=$(date +%s.%N)
  echo "registry url=$1 figure=small_push images=$small seconds=$(echo "$end - $start" | bc)"
  start=$(date +%s.%N)
  for i in $(seq "$small"); do
    skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$host/small/img$i:latest" "oci:$dir/pulled$i:latest"
  done
  end=$(date +%s.%N)
  echo "registry url=$1 figure=small_pull images=$small seconds=$(echo "$end - $start" | bc)"
  rm -rf "$dir"
}

for url in "http://127.0.0.1:$hyper_port" "http://127.0.0.1:$peer_port"; do
  "$peers/base-image.sh" "${url#http://}" >>"$out/base-image.log" 2>&1
  OUT=$out/$(basename "$url") "$peers/bench-registry.sh" "$url" 2>>"$out/bench.log" | tee -a "$out/figures.txt"
  small_images "$url" | tee -a "$out/figures.txt"
done

# Ratios: hyper / distribution for each figure.
awk -v hyper="http://127.0.0.1:$hyper_port" -v peer="http://127.0.0.1:$peer_port" '
  function value(line,   n, i, kv) {
    n = split(line, kv, " ")
    for (i = 1; i <= n; i++) {
      if (kv[i] ~ /^(median_MBps|median_rps|seconds|max_mib)=/) { split(kv[i], p, "="); key[FNR] = p[1]; return p[2] }
    }
    return ""
  }
  /^registry url=/ {
    split($2, u, "="); split($3, f, "="); v = value($0)
    if (v == "") next
    if (u[2] == hyper) h[f[2]] = v; else if (u[2] == peer) d[f[2]] = v
    order[f[2]] = ++count
  }
  END {
    print ""; print "== hyperregistry / distribution"
    for (name in h) if (name in d && d[name] > 0) {
      ratio = h[name] / d[name]
      if (name ~ /^small_/) ratio = d[name] / h[name]   # seconds: invert so > 1 means faster
      printf "%-28s hyper=%-10s distribution=%-10s ratio=%.2f\n", name, h[name], d[name], ratio
    }
  }' "$out/figures.txt" | tee "$out/ratios.txt"
echo "results in $out"
