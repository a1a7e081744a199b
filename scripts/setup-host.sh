#!/usr/bin/env bash
# Prepares a fresh Debian 12 host for Claude.OS development, tests and the demo:
# installs the Debian packages, starts dockerd if it is not running, and builds the
# local container images from Debian packages (no registry needed). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for bin in dockerd:docker.io nft:nftables ip:iproute2 git:git curl:curl; do
  command -v "${bin%%:*}" >/dev/null 2>&1 || need+=("${bin##*:}")
done
# Packages whose binaries are copied into the local test images (fixtures/images/build.sh).
for pkg in $(cat fixtures/images/debian-packages.txt 2>/dev/null); do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  mkdir -p /var/log
  nohup dockerd >/var/log/claude-ci-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /var/log/claude-ci-dockerd.log" >&2; exit 1; }
fi

if [ -x fixtures/images/build.sh ]; then
  bash fixtures/images/build.sh
fi
