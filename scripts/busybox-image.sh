#!/usr/bin/env bash
# Packs Debian's static busybox into a one-layer OCI image layout, offline: the base image that
# examples and tests use instead of pulling one from the internet.
# Usage: scripts/busybox-image.sh DIR [TAG]   (writes the OCI layout DIR with TAG, default latest)
set -euo pipefail
dir=${1:?usage: busybox-image.sh DIR [TAG]}
tag=${2:-latest}
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "busybox-image.sh: $busybox is missing: apt-get install busybox-static" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$dir"
umoci init --layout "$dir"
umoci new --image "$dir:$tag"
umoci unpack --image "$dir:$tag" "$work/bundle" >/dev/null
rootfs=$work/bundle/rootfs
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/root"
cp "$busybox" "$rootfs/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
umoci repack --image "$dir:$tag" "$work/bundle"
umoci config --image "$dir:$tag" --config.env PATH=/usr/sbin:/usr/bin:/sbin:/bin --config.cmd /bin/sh \
  --os linux --architecture "$(dpkg --print-architecture)"
umoci gc --layout "$dir"
