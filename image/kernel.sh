#!/usr/bin/env bash
# Builds the Claude.OS device kernel from Debian's kernel source (package linux-source-6.1):
# `make tinyconfig` plus image/kernel.config, everything built in (no modules, so neither the
# initrd nor the root loads any). Cached: a second run with the same source version, the same
# kernel.config and the same script only prints the path.
#
#   image/kernel.sh CACHE_DIR     prints CACHE_DIR/kernel-<key>/bzImage (the last line of stdout)
#
# The log of a build is CACHE_DIR/kernel-build.log. -j$(nproc) (CLAUDE_KERNEL_JOBS), at nice 10
# (CLAUDE_KERNEL_NICE).
# Needs root on Debian 12 (it installs linux-source-6.1 and the build tools when missing).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${1:?usage: image/kernel.sh CACHE_DIR}
FRAGMENT=$HERE/kernel.config
say() { printf '[kernel] %s\n' "$*" >&2; }
die() { printf 'image/kernel.sh: %s\n' "$*" >&2; exit 1; }

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
SRCPKG=linux-source-6.1
need=()
dpkg -s "$SRCPKG" >/dev/null 2>&1 || need+=("$SRCPKG")
for t in gcc:gcc make:make flex:flex bison:bison bc:bc perl:perl xz:xz-utils zstd:zstd; do
  command -v "${t%%:*}" >/dev/null 2>&1 || need+=("${t##*:}")
done
[ -f /usr/include/libelf.h ] || need+=(libelf-dev)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || die "cannot install ${need[*]} (apt-get install failed)"
fi
SRCVER=$(dpkg-query -W -f '${Version}' "$SRCPKG")
TARBALL=/usr/src/linux-source-6.1.tar.xz
[ -f "$TARBALL" ] || die "$TARBALL is missing although $SRCPKG $SRCVER is installed (reinstall it)"

key=$( { echo "$SRCVER"; cat "$FRAGMENT" "$0"; } | sha256sum | cut -c1-16)
DEST=$CACHE/kernel-$key
if [ -f "$DEST/bzImage" ]; then
  say "cached: $DEST/bzImage ($SRCPKG $SRCVER)"
  echo "$DEST/bzImage"
  exit 0
fi

SRC=$CACHE/linux-source-$SRCVER
if [ ! -f "$SRC/Makefile" ]; then
  say "unpacking $TARBALL"
  rm -rf "$SRC" "$SRC.tmp"
  mkdir -p "$SRC.tmp"
  tar -xJf "$TARBALL" -C "$SRC.tmp"
  mv "$SRC.tmp/linux-source-6.1" "$SRC"
  rmdir "$SRC.tmp"
fi

# One build tree, kept: a changed kernel.config rebuilds only what it touches.
BUILD=$CACHE/kernel-build
LOG=$CACHE/kernel-build.log
mkdir -p "$BUILD"
say "configuring (tinyconfig + $(basename "$FRAGMENT"))"
# At a lower priority (CLAUDE_KERNEL_NICE, default 10): a shared machine's other work goes first.
kmake() { nice -n "${CLAUDE_KERNEL_NICE:-10}" make -C "$SRC" O="$BUILD" ARCH=x86_64 "$@"; }
{
  kmake tinyconfig
  # merge_config.sh -m: the fragment's values win over tinyconfig's; olddefconfig fills the rest.
  (cd "$BUILD" && "$SRC/scripts/kconfig/merge_config.sh" -m -O "$BUILD" "$BUILD/.config" "$FRAGMENT")
  kmake olddefconfig
} >"$LOG" 2>&1 || die "configuring failed; see $LOG"

# Every option of the fragment must have survived: a missing dependency drops it silently.
lost=()
while IFS= read -r line; do
  case "$line" in CONFIG_*=*) ;; *) continue ;; esac
  opt=${line%%=*} val=${line#*=}
  if [ "$val" = n ]; then
    grep -qx "$opt=y" "$BUILD/.config" && lost+=("$line (is y)")
  else
    grep -qx "$line" "$BUILD/.config" || lost+=("$line (is $(grep -E "^$opt=|^# $opt is not set" "$BUILD/.config" || echo unset))")
  fi
done <"$FRAGMENT"
[ ${#lost[@]} -eq 0 ] || die "$(basename "$FRAGMENT"): these options did not survive 'make olddefconfig' (a dependency is missing; add it): ${lost[*]}"

JOBS=${CLAUDE_KERNEL_JOBS:-$(nproc)}
say "building bzImage ($SRCPKG $SRCVER, -j$JOBS, log $LOG)"
started=$(date +%s)
kmake -j"$JOBS" bzImage >>"$LOG" 2>&1 || die "the kernel build failed; the end of $LOG says why"
mkdir -p "$DEST.tmp"
cp "$BUILD/arch/x86/boot/bzImage" "$DEST.tmp/bzImage"
cp "$BUILD/.config" "$DEST.tmp/config"
make -s -C "$SRC" O="$BUILD" ARCH=x86_64 kernelrelease >"$DEST.tmp/release" 2>/dev/null
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
say "built $(cat "$DEST/release") in $(( $(date +%s) - started )) s: $DEST/bzImage"
echo "$DEST/bzImage"
