#!/usr/bin/env bash
# hyperbuild side by side with buildah (`buildah bud --isolation=oci --runtime=runc --layers`, a private
# --root/--runroot store), same machine, same run, same Dockerfiles. The base image is Debian's static
# busybox packed offline by scripts/busybox-image.sh and loaded, untimed, into each tool's store as
# localhost/base:latest (hyperbuild: `copy oci:… oci:ROOT/images:…`; buildah: `pull oci:…` + `tag`).
# Figures, each the median of RUNS:
#   cold     10-step Dockerfile (COPY/RUN mix), empty store but for the base image
#   nochange the same build again, nothing changed (both: every step a cache hit), process start included
#   onefile  the same build after changing the file of the first COPY (both: every step after it re-runs)
#   stages   3-stage Dockerfile, two independent stages and a final one that COPY --from both, cold
#            (hyperbuild builds the two independent stages in parallel, --jobs defaults to the core count)
# Prints each figure, then buildah/hyperbuild time ratios (> 1 means hyperbuild is faster), and the issue's
# targets for reference (nochange under 0.2x buildah's time and under 0.3 s; cold at most 1x buildah's).
#
# Env: RUNS (default 3), STORAGE_DRIVER (buildah's, default overlay; vfs works too), OUT.
set -euo pipefail
trap 'echo "bench/build: failed at line $LINENO: $BASH_COMMAND (logs in ${out:-?})" >&2' ERR
cd "$(dirname "$0")/../.."
root=$(pwd)
runs=${RUNS:-3} driver=${STORAGE_DRIVER:-overlay}
out=${OUT:-/tmp/hyper-bench-build-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
for tool in buildah runc umoci; do
  command -v "$tool" >/dev/null || { echo "bench/build: $tool is missing (see ../shared/peers/setup.sh)" >&2; exit 1; }
done

dotnet publish src/Hyper.Cli -c Release -o "$out/hyperbuild-bin" -nologo -v quiet
hyperbuild=$out/hyperbuild-bin/hyperbuild
"$root/scripts/busybox-image.sh" "$out/base" latest >"$out/base.log" 2>&1

hroot=$out/hyperbuild-root bstore=$out/buildah-store
buildah_() { buildah --root "$bstore/root" --runroot "$bstore/run" --storage-driver "$driver" "$@"; }
wipe_buildah() {
  if [[ -d $bstore ]]; then
    buildah_ rm --all >/dev/null 2>&1 || true
    buildah_ rmi --all --force >/dev/null 2>&1 || true
    rm -rf "$bstore"
  fi
}
trap 'wipe_buildah' EXIT

# An empty store holding only the base image, for each tool.
fresh_hyper() {
  rm -rf "$hroot"; mkdir -p "$hroot"
  "$hyperbuild" --root "$hroot" copy -q "oci:$out/base:latest" "oci:$hroot/images:localhost/base:latest"
}
fresh_buildah() {
  wipe_buildah
  buildah_ pull -q "oci:$out/base:latest"
  buildah_ tag "$(buildah_ images -q | head -1)" localhost/base:latest
}
build_hyper() { # DIR TAG
  "$hyperbuild" --root "$hroot" build --progress plain -t "localhost/bench/$2" "$1"
}
build_buildah() { # DIR TAG
  buildah_ bud --isolation=oci --runtime=runc --layers -q -t "localhost/bench/$2" "$1"
}

# The contexts: ten steps mixing COPY and RUN, the first COPY's file changed by the onefile figure.
ten=$out/ctx-ten stages=$out/ctx-stages
rm -rf "$ten" "$stages"; mkdir -p "$ten/src" "$stages"
echo 'early 0' >"$ten/early.txt"
for i in 1 2 3 4; do head -c 65536 /dev/urandom | base64 >"$ten/src/f$i.txt"; done
cat >"$ten/Dockerfile" <<'EOF'
FROM localhost/base:latest
COPY early.txt /app/early.txt
RUN mkdir -p /data && cat /app/early.txt > /data/early
COPY src/ /app/src/
RUN cat /app/src/*.txt | sha256sum > /data/src.sum
RUN dd if=/dev/urandom of=/data/blob bs=1024 count=4096 2>/dev/null
COPY src/f1.txt /app/copy1.txt
RUN gzip -c /data/blob > /data/blob.gz
RUN ls -lR /app > /data/listing
COPY src/f2.txt /app/copy2.txt
RUN sha256sum /data/* > /data/all.sum
EOF
cat >"$stages/Dockerfile" <<'EOF'
FROM localhost/base:latest AS one
RUN mkdir /out && dd if=/dev/urandom of=/out/one bs=1024 count=8192 2>/dev/null
RUN gzip -c /out/one > /out/one.gz && sha256sum /out/one > /out/one.sum

FROM localhost/base:latest AS two
RUN mkdir /out && dd if=/dev/urandom of=/out/two bs=1024 count=8192 2>/dev/null
RUN gzip -c /out/two > /out/two.gz && sha256sum /out/two > /out/two.sum

FROM localhost/base:latest
COPY --from=one /out/one.gz /out/one.sum /result/
COPY --from=two /out/two.gz /out/two.sum /result/
RUN ls -l /result > /result/listing
EOF

# seconds CMD...: the time CMD took, or FAILED (and a note on stderr) if it failed.
seconds() {
  local start end
  start=$(date +%s.%N)
  if ! "$@" >>"$out/commands.log" 2>&1; then echo "bench/build: $* failed (see $out/commands.log)" >&2; echo FAILED; return; fi
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
report() { # tool figure times...
  local tool=$1 figure=$2 value; shift 2
  if printf '%s\n' "$@" | grep -q FAILED; then value=FAILED; else value=$(printf '%s\n' "$@" | median); fi
  echo "build tool=$tool figure=$figure seconds=$value runs=$(printf '%s,' "$@" | sed 's/,$//')" | tee -a "$out/figures.txt"
}

echo "bench/build: RUNS=$runs buildah storage=$driver out=$out; load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cpus" >&2
for tool in hyper buildah; do
  times=()
  for run in $(seq "$runs"); do "fresh_$tool" >>"$out/commands.log" 2>&1; times+=("$(seconds "build_$tool" "$ten" ten)"); done
  report "$tool" cold "${times[@]}"

  times=()   # the store holds the last cold build
  for run in $(seq "$runs"); do times+=("$(seconds "build_$tool" "$ten" ten)"); done
  report "$tool" nochange "${times[@]}"

  times=()
  for run in $(seq "$runs"); do
    echo "early $tool $run $(date +%s%N)" >"$ten/early.txt"
    times+=("$(seconds "build_$tool" "$ten" ten)")
  done
  report "$tool" onefile "${times[@]}"
  echo 'early 0' >"$ten/early.txt"

  times=()
  for run in $(seq "$runs"); do "fresh_$tool" >>"$out/commands.log" 2>&1; times+=("$(seconds "build_$tool" "$stages" stages)"); done
  report "$tool" stages "${times[@]}"
done
wipe_buildah
rm -rf "$hroot"

awk '
  /^build tool=/ { split($2, t, "="); split($3, f, "="); split($4, s, "=")
    if (t[2] == "hyper") h[f[2]] = s[2]; else b[f[2]] = s[2] }
  END { print ""; print "== buildah seconds / hyperbuild seconds (> 1: hyperbuild faster)"
    split("cold,nochange,onefile,stages", keys, ",")
    for (n = 1; n <= 4; n++) {
      if (!((key = keys[n]) in h) || !(key in b)) continue
      if (h[key] == "FAILED" || b[key] == "FAILED" || h[key] <= 0) printf "%-9s hyperbuild=%s buildah=%s ratio=n/a\n", key, h[key], b[key]
      else printf "%-9s hyperbuild=%-7.2f buildah=%-7.2f ratio=%.2f\n", key, h[key], b[key], b[key] / h[key]
    }
    if (("nochange" in h) && ("cold" in h) && h["nochange"] != "FAILED" && b["nochange"] != "FAILED") {
      printf "targets: nochange %.3f s (< 0.300: %s), %.2fx buildah (< 0.20: %s); cold %.2fx buildah (<= 1: %s)\n",
        h["nochange"], h["nochange"] < 0.3 ? "met" : "missed", h["nochange"] / b["nochange"], h["nochange"] / b["nochange"] < 0.2 ? "met" : "missed",
        h["cold"] / b["cold"], h["cold"] <= b["cold"] ? "met" : "missed"
    } }' \
  "$out/figures.txt" | tee "$out/ratios.txt"
echo "results in $out"
