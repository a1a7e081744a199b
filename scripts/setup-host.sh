#!/usr/bin/env bash
# Prepares a fresh Debian 12 host for Claude.OS development, tests and the demo:
# installs the Debian packages, starts dockerd if it is not running, and builds the
# local container images from Debian packages (no registry needed). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
# tmux drives the REPL test through a pseudo-terminal.
# docker-compose and stress-ng are for the benchmarks (bench/README.md): compose is the peer of
# the apply bench, stress-ng holds the CPUs in the load bench.
# chromium runs the web UI's browser tests (playwright-core drives /usr/bin/chromium; never a browser download).
# pebble (Let's Encrypt's ACME test server, with pebble-challtestsrv) is started by the certificate tests.
# containerd (with runc) and the CNI plugins: the containerd backend's tests start their own
# containerd (runtime/testutil/containerd.ts); nothing here starts one.
# etcd (etcd-server, etcd-client): the cluster-mode tests start their own members on free loopback
# ports in temp dirs (agent/cluster/testutil/etcd.ts); the Debian service must not run (below).
# openssl: the cluster PKI test checks the certificates `claude cluster init` makes with
# `openssl verify` (an independent X.509 implementation); the product itself does not need it.
# zstd compresses backups (docs/backups.md; gzip otherwise).
# Storage mounts (docs/storage.md) and their loop-device tests: blkid, wipefs, losetup
# (util-linux, and mount for mount/umount/losetup on Debian 12), mkfs.ext4 (e2fsprogs);
# all in a base Debian, checked here so a minimal image gets them too.
# The device disk image's assembly (image/mkdisk.sh, test/image-disk.test.ts): mkfs.vfat
# (dosfstools), mtools, SYSLINUX's installer (syslinux) and boot code (syslinux-common), sfdisk (fdisk);
# A/B updates (runtime/upgrade/upgrade.test.ts) read the boot partition back with mtools and check
# it with fsck.fat (dosfstools);
# icupkg (icu-devtools) for node's ICU data in the image (image/trim-icu.sh).
for bin in mkfs.vfat:dosfstools fsck.fat:dosfstools mcopy:mtools syslinux:syslinux /usr/lib/syslinux/mbr/mbr.bin:syslinux-common sfdisk:fdisk icupkg:icu-devtools containerd:containerd runc:runc /usr/lib/cni/bridge:containernetworking-plugins iptables:iptables dockerd:docker.io nft:nftables ip:iproute2 git:git curl:curl tmux:tmux zstd:zstd blkid:util-linux wipefs:util-linux losetup:mount mount:mount mkfs.ext4:e2fsprogs docker-compose:docker-compose stress-ng:stress-ng chromium:chromium pebble:pebble etcd:etcd-server etcdctl:etcd-client openssl:openssl; do
  command -v "${bin%%:*}" >/dev/null 2>&1 || [ -x "${bin%%:*}" ] || [ -f "${bin%%:*}" ] || need+=("${bin##*:}")
done
# Packages whose binaries are copied into the local test images (fixtures/images/build.sh).
for pkg in $(cat fixtures/images/debian-packages.txt 2>/dev/null); do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  # The image packages (nginx, redis, postgresql) must not start host services: tests
  # publish ports 80, 6379 and 5432 from containers. policy-rc.d exit 101 = "do not start"
  # (only while apt runs, unless the host already has one); no "main" cluster either.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
    trap 'if [ "$own_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi' EXIT
  fi
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/claude-os.conf
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  if [ "$own_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; own_policy=0; fi
fi
# Nor at boot, on a systemd host.
if [ -d /run/systemd/system ]; then
  for unit in nginx redis-server postgresql prometheus etcd; do
    systemctl disable --now "$unit" >/dev/null 2>&1 || true
  done
fi
# Nor Debian's etcd on a host without systemd, if its init script started it (policy-rc.d above
# normally prevents that): it would hold 2379/2380. Only the pid its script recorded is stopped.
if [ ! -d /run/systemd/system ] && [ -f /run/etcd.pid ] && [ -x /etc/init.d/etcd ]; then
  /etc/init.d/etcd stop >/dev/null 2>&1 || true
fi

# A pid file left by a dockerd (or its containerd) that did not stop cleanly makes the next
# dockerd refuse to start ("pid file found, ensure docker is not running"), even when the pid
# is gone or now belongs to another process. Only a pid file whose process is not the daemon
# it names is removed; a live daemon that is still starting is waited for.
# A killed daemon can stay a zombie for a long time where the container's init does not reap
# it: it holds its name but is no daemon, so zombies never count as running.
live_named() { # <pid> <process name>
  [ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null || true)" = "$2" ] &&
    ! awk '{ exit ($3 == "Z") ? 0 : 1 }' "/proc/$1/stat" 2>/dev/null
}
stale_pid() { # <pid file> <process name>
  [ -f "$1" ] || return 1
  ! live_named "$(cat "$1" 2>/dev/null || true)" "$2"
}
dockerd_running() {
  local pid
  for pid in $(pgrep -x dockerd 2>/dev/null); do live_named "$pid" dockerd && return 0; done
  return 1
}
start_dockerd() {
  for pf in /var/run/docker.pid:dockerd /var/run/docker/containerd/containerd.pid:containerd; do
    if stale_pid "${pf%%:*}" "${pf##*:}"; then
      echo "setup-host: removing the stale ${pf%%:*} (its process is not ${pf##*:})" >&2
      rm -f "${pf%%:*}"
    fi
  done
  if ! dockerd_running; then
    nohup dockerd >>/var/log/claude-ci-dockerd.log 2>&1 &
  fi
  # A loaded or fresh machine can take a while (containerd, the storage driver, iptables).
  for _ in $(seq 1 240); do docker info >/dev/null 2>&1 && return 0; sleep 0.5; done
  return 1
}
if ! docker info >/dev/null 2>&1; then
  mkdir -p /var/log
  : >/var/log/claude-ci-dockerd.log
  if ! start_dockerd; then
    # Once more after a dockerd that exited (a stale pid file it found, a socket left behind).
    pkill -x dockerd 2>/dev/null || true
    sleep 2
    rm -f /var/run/docker.sock
    start_dockerd || {
      echo "dockerd did not start; the end of /var/log/claude-ci-dockerd.log:" >&2
      tail -n 40 /var/log/claude-ci-dockerd.log >&2
      exit 1
    }
  fi
fi

if [ -x fixtures/images/build.sh ]; then
  bash fixtures/images/build.sh
fi
