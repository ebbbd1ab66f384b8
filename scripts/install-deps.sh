#!/usr/bin/env bash
# Installs the Debian packages Hyper and its tests use, once: a second run changes nothing.
# Needs root (or sudo); no prompts.
set -euo pipefail

packages=(skopeo umoci podman runc crun busybox-static python3 curl bzip2 xz-utils zstd docker-registry apache2-utils openssh-client)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "== installing ${missing[*]}"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# Debian's docker-registry (CNCF Distribution, an interop peer in the tests, started by them on free
# ports) enables a service on :5000 where systemd runs, which is hyperregistry's quickstart port.
if [[ " ${missing[*]} " == *" docker-registry "* ]] && [ -d /run/systemd/system ]; then
  $sudo systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi
