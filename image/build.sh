#!/usr/bin/env bash
# Builds the Claude.OS disk image into image/build/ (git-ignored):
#   claude-os.img    the disk: an MBR with the SYSLINUX boot code; partition 1 (FAT, "boot")
#                    holds SYSLINUX, the kernel and the initrd; partition 2 the root filesystem
#                    (slot A); partition 3 is the empty slot B (for A/B updates); partition 4 the
#                    data partition, an empty ext4 made here (image/mkdisk.sh). Boots with
#                    `qemu-system-x86_64 -m 2G -hda claude-os.img -nographic`. Sparse on disk.
#   claude-os.img.zst   the same, compressed for download
#   vmlinuz          the device's own kernel (image/kernel.sh: Debian's linux-source-6.1, what the
#                    device needs built in, no modules), or Debian's (linux-image-amd64)
#   initrd.img       with Debian's kernel only: busybox, the disk and squashfs modules; finds the
#                    boot disk, mounts the root. The own kernel has no initrd: it mounts the root
#                    itself (root=PARTUUID=…) and runs its /init
#   root.squashfs    the system: busybox, node, Claude.OS, containerd, runc, the CNI plugins,
#                    nft (and with Debian's kernel its modules); read-only, mounted as / (the
#                    root stays immutable)
#   SIZES            each part's size against the 60 MB target (DESIGN.md)
# Run as root on Debian 12. No loop device, no mount: the partitions are made as files
# (mkfs.vfat + mtools + syslinux, mksquashfs) and written into the disk file with sfdisk and dd.
# Idempotent: the work tree is rebuilt each run; the kernel, the engine .debs and the
# production node_modules are cached in image/build/cache/.
#
# Environment:
#   CLAUDE_IMAGE_KERNEL=own|debian       own (default): the device kernel, built by image/kernel.sh
#                                        (long the first time, then cached), no modules; when it
#                                        cannot be built, Debian's is used with a WARNING. debian:
#                                        Debian's linux-image-amd64 and its modules (loaded at boot;
#                                        for real hardware). docs/image.md "The kernel"
#   CLAUDE_IMAGE_COMPRESS=zstd|xz|gzip   root filesystem compression. Default: zstd with the own
#                                        kernel (unpacks in a fraction of xz's time; the room the
#                                        module tree and Debian's larger kernel took pays for it),
#                                        xz with Debian's (zstd would be over the 60 MB target)
#   CLAUDE_IMAGE_OUT=DIR                 output folder (default image/build)
#   CLAUDE_IMAGE_ENGINE=containerd|none  containerd (default): Debian's containerd, runc, CNI
#                                        plugins, iptables, nft, and the data disk tools; none:
#                                        the CLI and runtime only, no container engine
#   CLAUDE_IMAGE_COMPILER=1|0            1 (default): the compiler and intent engine are in the
#                                        image (`claude plan` works on the device); 0: the
#                                        runtime-only CLI (plans are made elsewhere)
#   CLAUDE_IMAGE_ICU=en|full             en (default): node's built-in ICU data trimmed to the
#                                        root and English locales (image/trim-icu.sh), as Node's
#                                        small-icu build; full: all locales (8 MB more compressed)
#   CLAUDE_IMAGE_ROOT_PASSWORD=PW        the console password of root, baked in (hashed);
#                                        unset: each device makes its own on first boot and
#                                        shows it once on the console
#   CLAUDE_IMAGE_DISK_MB=N               the disk image's size (default 2048; the data
#                                        partition takes what the system does not)
#   CLAUDE_IMAGE_REF=REF                 build Claude.OS from a git commit (e.g. HEAD) instead
#                                        of the working tree (git archive; node_modules reused)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
OUT=${CLAUDE_IMAGE_OUT:-$HERE/build}
COMPRESS=${CLAUDE_IMAGE_COMPRESS:-}
KERNEL=${CLAUDE_IMAGE_KERNEL:-own}
ENGINE=${CLAUDE_IMAGE_ENGINE:-containerd}
COMPILER=${CLAUDE_IMAGE_COMPILER:-1}
ICU=${CLAUDE_IMAGE_ICU:-en}
DISK_MB=${CLAUDE_IMAGE_DISK_MB:-2048}
TARGET_MB=60
# The disk layout (MiB): the boot partition, then two root slots of a fixed size, then data.
BOOT_MB=64
SLOT_MB=256
WORK=$OUT/work
CACHE=$OUT/cache
RFS=$WORK/rootfs
PKG=$RFS/usr/lib/claude-os

started=$(date +%s)
say() { printf '[image] %s\n' "$*"; }
die() { printf 'image/build.sh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it installs Debian packages and writes root-owned files)"
[ -f /etc/debian_version ] || die "needs a Debian host (apt-get, dpkg-deb)"
case "$COMPRESS" in ''|xz|zstd|gzip) ;; *) die "CLAUDE_IMAGE_COMPRESS=$COMPRESS: use xz, zstd or gzip" ;; esac
case "$KERNEL" in own|debian) ;; *) die "CLAUDE_IMAGE_KERNEL=$KERNEL: use own (built from linux-source-6.1) or debian" ;; esac
case "$ENGINE" in none|containerd) ;; *) die "CLAUDE_IMAGE_ENGINE=$ENGINE: use none or containerd" ;; esac
case "$ICU" in en|full) ;; *) die "CLAUDE_IMAGE_ICU=$ICU: use en (node's ICU data trimmed to English) or full" ;; esac
case "$COMPILER" in 0|1) ;; *) die "CLAUDE_IMAGE_COMPILER=$COMPILER: use 1 (with the compiler) or 0 (runtime only)" ;; esac
case "$DISK_MB" in ''|*[!0-9]*) die "CLAUDE_IMAGE_DISK_MB=$DISK_MB: a whole number of MiB" ;; esac
[ "$DISK_MB" -ge $((1 + BOOT_MB + 2 * SLOT_MB + 256)) ] \
  || die "CLAUDE_IMAGE_DISK_MB=$DISK_MB is too small: at least $((1 + BOOT_MB + 2 * SLOT_MB + 256)) (boot, two root slots, 256 MiB of data)"

# --- host tools -------------------------------------------------------------------------
need=()
for t in busybox:busybox-static cpio:cpio xz:xz-utils zstd:zstd strip:binutils node:nodejs npm:npm \
         mksquashfs:squashfs-tools icupkg:icu-devtools mkfs.vfat:dosfstools mcopy:mtools syslinux:syslinux sfdisk:fdisk mke2fs:e2fsprogs; do
  command -v "${t%%:*}" >/dev/null 2>&1 || need+=("${t##*:}")
done
# The Debian busybox (dynamic) lacks applets we need; the image wants the static one.
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
# The boot code (mbr.bin) and the SYSLINUX modules come with syslinux-common.
[ -f /usr/lib/syslinux/mbr/mbr.bin ] || need+=(syslinux-common)
if [ ${#need[@]} -gt 0 ]; then
  say "installing host tools: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
BUSYBOX=/bin/busybox
file_is_static() { ! ldd "$1" >/dev/null 2>&1; }
file_is_static "$BUSYBOX" || die "$BUSYBOX is dynamically linked; install busybox-static"

rm -rf "$WORK"
mkdir -p "$WORK" "$CACHE" "$RFS"

# The Claude.OS sources: the working tree, or one commit of it.
SRC=$ROOT
if [ -n "${CLAUDE_IMAGE_REF:-}" ]; then
  SRC=$WORK/src
  mkdir -p "$SRC"
  git -C "$ROOT" archive --format=tar "$CLAUDE_IMAGE_REF" | tar -x -C "$SRC" \
    || die "cannot export CLAUDE_IMAGE_REF=$CLAUDE_IMAGE_REF from git"
  ln -s "$ROOT/node_modules" "$SRC/node_modules"
  EPOCH=$(git -C "$ROOT" log -1 --format=%ct "$CLAUDE_IMAGE_REF")
  say "Claude.OS sources from $CLAUDE_IMAGE_REF ($(git -C "$ROOT" rev-parse --short "$CLAUDE_IMAGE_REF"))"
else
  EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)
fi
[ -x "$ROOT/node_modules/.bin/tsc" ] || die "no node_modules/.bin/tsc: run npm ci first"
VERSION=$(node -p "require('$SRC/package.json').version")

# --- kernel -----------------------------------------------------------------------------
# Our own (CLAUDE_IMAGE_KERNEL=own): built by image/kernel.sh from Debian's
# linux-source-6.1 with everything the device needs built in, so no module is loaded at boot
# (cached in image/build/cache/; the default since it passed image/boot-test.sh). Should that
# fail, or with CLAUDE_IMAGE_KERNEL=debian: Debian's linux-image-amd64, with the modules the
# device needs copied in and loaded at boot.
if [ "$KERNEL" = own ]; then
  if kimage=$(bash "$HERE/kernel.sh" "$CACHE" | tail -n 1) && [ -f "$kimage" ]; then
    kdir=$(dirname "$kimage")
    KVER=$(cat "$kdir/release")
    cp "$kimage" "$OUT/vmlinuz"
    kcfg=$kdir/config
    say "kernel $KVER, built from $(dpkg-query -W -f '${Package} ${Version}' linux-source-6.1) (image/kernel.sh): no modules"
  else
    say "WARNING: the device kernel could not be built (image/kernel.sh, above; its log is $CACHE/kernel-build.log):"
    say "WARNING: using Debian's kernel instead (the fallback), with its modules loaded at boot: a slower boot and a larger image; CLAUDE_IMAGE_KERNEL=debian chooses it without the attempt"
    KERNEL=debian
  fi
fi
if [ "$KERNEL" = debian ]; then
  # The version linux-image-amd64 points at today, e.g. linux-image-6.1.0-56-amd64.
  kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  if [ -z "$kpkg" ]; then
    apt-get update -qq
    kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  fi
  [ -n "$kpkg" ] || die "cannot resolve linux-image-amd64 to a kernel package (apt-get update?)"
  KVER=${kpkg#linux-image-}
  deb=$(ls "$CACHE"/"${kpkg}"_*.deb 2>/dev/null | head -n 1 || true)
  if [ -z "$deb" ]; then
    say "downloading $kpkg"
    (cd "$CACHE" && apt-get download -o APT::Sandbox::User=root "$kpkg" >/dev/null)
    deb=$(ls "$CACHE"/"${kpkg}"_*.deb | head -n 1)
  fi
  say "kernel $KVER from $(basename "$deb")"
  dpkg-deb -x "$deb" "$WORK/kernel"
  cp "$WORK/kernel/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
  kcfg=$WORK/kernel/boot/config-$KVER
fi
# The root's compression, unless chosen: zstd fits the 60 MB target only without Debian's kernel.
[ -n "$COMPRESS" ] || COMPRESS=$([ "$KERNEL" = own ] && echo zstd || echo xz)
for opt in CONFIG_BLK_DEV_INITRD=y CONFIG_DEVTMPFS=y CONFIG_PACKET=y CONFIG_SERIAL_8250_CONSOLE=y; do
  grep -qx "$opt" "$kcfg" || die "kernel $KVER lacks $opt"
done
case "$COMPRESS" in
  xz) grep -qx CONFIG_SQUASHFS_XZ=y "$kcfg" || die "kernel $KVER cannot read an xz squashfs" ;;
  zstd) grep -qx CONFIG_SQUASHFS_ZSTD=y "$kcfg" || die "kernel $KVER cannot read a zstd squashfs" ;;
  gzip) grep -qx CONFIG_SQUASHFS_ZLIB=y "$kcfg" || die "kernel $KVER cannot read a gzip squashfs" ;;
esac
grep -qx CONFIG_RD_ZSTD=y "$kcfg" || die "kernel $KVER cannot unpack a zstd initrd"

# --- base userland: busybox ---------------------------------------------------------------
mkdir -p "$RFS"/{bin,sbin,usr/bin,usr/sbin,usr/lib,lib,lib64,etc,proc,sys,dev,tmp,run,root,mnt,data,var/log,var/lib}
chmod 1777 "$RFS/tmp"
chmod 700 "$RFS/root"
# What survives a reboot lives on the data partition, mounted on /data: the usual places link
# there (no bind mounts at boot; /etc/claude-os.env points Claude.OS at /data itself).
ln -s /data/claude "$RFS/var/lib/claude"
ln -s /data/claude.d "$RFS/etc/claude.d"
ln -s /data/containerd "$RFS/var/lib/containerd"
cp "$BUSYBOX" "$RFS/bin/busybox"
for applet in $("$BUSYBOX" --list-full); do
  [ "$applet" = bin/busybox ] && continue
  mkdir -p "$RFS/$(dirname "$applet")"
  ln -sf /bin/busybox "$RFS/$applet"
done

# --- node and the libraries it links ------------------------------------------------------
NODE=$(readlink -f "$(command -v node)")
nodemajor=$(node -p 'process.versions.node.split(".")[0]')
[ "$nodemajor" -ge 20 ] || die "node $(node --version) is too old: Claude.OS needs node >= 20"
cp "$NODE" "$RFS/usr/bin/node"
# A full-icu node (the NodeSource and official builds) carries all of ICU's locales, 33 MB:
# trimmed to English, as Node's small-icu build ships (image/trim-icu.sh; CLAUDE_IMAGE_ICU=full keeps them).
if [ "$ICU" = en ]; then
  bash "$HERE/trim-icu.sh" "$RFS/usr/bin/node" | sed 's/^trim-icu: /[image] node ICU data: /'
fi
strip --strip-all "$RFS/usr/bin/node"
for lib in $(ldd "$NODE" | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}'); do
  mkdir -p "$RFS$(dirname "$lib")"
  cp -L "$lib" "$RFS$lib"
  case "$(basename "$lib")" in ld-linux*|libc.so*) ;; *) strip --strip-unneeded "$RFS$lib" ;; esac
done

# --- Claude.OS: the production build --------------------------------------------------------
# Compiled from this checkout into the image (the shared dist/ is not touched), with the
# files package.json publishes ("files") and only the production dependencies.
say "compiling Claude.OS $VERSION"
mkdir -p "$PKG"
(cd "$SRC" && node_modules/.bin/tsc -p tsconfig.build.json --outDir "$PKG/dist") \
  || die "TypeScript build failed (fix the errors above, then rerun)"
rm -rf "$PKG/dist/bench" "$PKG/dist/scripts" "$PKG/dist/test"
# The CLI's bundle, as `npm run build` makes it (scripts/bundle.mjs: one file per command
# instead of hundreds, for node's start, which emulated or small machines feel most: 0.2 MB
# compressed). bin/claude uses it when it is at least as new as dist/cli/main.js: the image
# gives every file one mtime. Only with the compiler: its chunks would import it
# (CLAUDE_IMAGE_COMPILER=0 runs dist/). The cold-start bundles of validate, status and plan
# (scripts/cold-bundle.mjs, with V8's code cache: 0.65 MB compressed) are left out for size.
if [ "$COMPILER" = 1 ]; then
  (cd "$SRC" && node scripts/bundle.mjs --dist "$PKG/dist") >/dev/null || die "bundling the CLI failed (scripts/bundle.mjs)"
fi
# The web UI's script bundle (dist/ui, made by `npm run build` with esbuild, a dev dependency).
if [ -f "$ROOT/dist/ui/app.js" ]; then
  cp -a "$ROOT/dist/ui" "$PKG/dist/ui"
else
  say "no dist/ui/app.js in $ROOT (run npm run build): the API works, the web UI page will lack its script"
fi
node -e '
  const pkg = require(process.argv[1] + "/package.json");
  for (const f of pkg.files) if (f !== "dist") console.log(f);
' "$SRC" | while read -r f; do
  [ -e "$SRC/$f" ] || continue
  mkdir -p "$PKG/$(dirname "$f")"
  cp -a "$SRC/$f" "$PKG/$f"
done
cp "$SRC/package.json" "$SRC/package-lock.json" "$PKG/"
[ -f "$SRC/LICENSE" ] && cp "$SRC/LICENSE" "$PKG/"

lockhash=$(sha256sum "$SRC/package-lock.json" | cut -c1-16)
nm=$CACHE/node_modules-$lockhash
if [ ! -d "$nm/node_modules" ]; then
  say "installing production dependencies (npm ci --omit=dev)"
  rm -rf "$CACHE"/node_modules-*
  mkdir -p "$nm.tmp"
  cp "$SRC/package.json" "$SRC/package-lock.json" "$nm.tmp/"
  (cd "$nm.tmp" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null)
  # Types, source maps, TypeScript sources and docs are not needed to run (licences stay).
  find "$nm.tmp/node_modules" -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \
    -o -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.md' \
    -o -name '*.markdown' \) ! -iname 'licen[cs]e*' -delete
  mv "$nm.tmp" "$nm"
fi
cp -a "$nm/node_modules" "$PKG/node_modules"
# What the device never loads: test helpers, and the compiler when CLAUDE_IMAGE_COMPILER=0
# (test/runtime-cli.test.ts proves the device's commands load without it). Then only the
# packages the remaining code imports, and what those depend on (image/prune-modules.mjs).
rm -rf "$PKG/dist/runtime/testutil" "$PKG/dist/fixtures"
if [ "$COMPILER" = 0 ]; then
  rm -rf "$PKG/dist/compiler" "$PKG/compiler"
  say "runtime-only CLI: dist/compiler left out (CLAUDE_IMAGE_COMPILER=0)"
fi
node "$HERE/prune-modules.mjs" "$PKG" | tail -n 1 | sed 's/^/[image] node_modules: /'
find "$PKG/node_modules" -depth -type d \( -name test -o -name tests -o -name __tests__ -o -name example -o -name examples \) -exec rm -rf {} +
find "$PKG/node_modules" -type f \( -name '*.c' -o -name '*.cc' -o -name '*.h' -o -name '*.gyp' -o -name '*.gypi' \) -delete
ln -s /usr/lib/claude-os/bin/claude "$RFS/usr/bin/claude"

# --- container engine: containerd, runc, the CNI plugins, iptables, nft, iproute2, mke2fs ----
# From Debian packages (apt-get download + dpkg-deb -x: nothing is installed on the build
# host). The libraries they link are copied as `ldd` finds them on the build host, where
# scripts/setup-host.sh installed the same packages.
extra_modules=
copy_libs() { # copy_libs BINARY...: the shared libraries each one links, into the image
  local bin lib
  for bin in "$@"; do
    if ldd "$bin" 2>&1 | grep -q 'not found'; then
      die "$(basename "$bin") needs libraries this host lacks: $(ldd "$bin" | grep 'not found' | tr -s ' \t' ' '); install the Debian package that holds them"
    fi
    for lib in $(ldd "$bin" 2>/dev/null | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}'); do
      [ -e "$RFS$lib" ] && continue
      mkdir -p "$RFS$(dirname "$lib")"
      cp -L "$lib" "$RFS$lib"
      case "$(basename "$lib")" in ld-linux*|libc.so*) ;; *) strip --strip-unneeded "$RFS$lib" ;; esac
    done
  done
}
if [ "$ENGINE" = containerd ]; then
  for p in containerd runc containernetworking-plugins iptables nftables iproute2; do
    if ! ls "$CACHE/${p}"_*.deb >/dev/null 2>&1; then
      say "downloading $p"
      (cd "$CACHE" && apt-get download -o APT::Sandbox::User=root "$p" >/dev/null)
    fi
    dpkg-deb -x "$(ls "$CACHE/${p}"_*.deb | head -n 1)" "$WORK/engine"
  done
  E=$WORK/engine
  # containerd and its runc shim; runc. (ctr, 20 MB, is left out: the runtime talks gRPC.)
  cp "$E/usr/bin/containerd" "$E/usr/bin/containerd-shim-runc-v2" "$RFS/usr/bin/"
  # Its version for the banner, read here: /init does not run the 48 MB binary a second time.
  mkdir -p "$RFS/etc/claude-os"
  "$E/usr/bin/containerd" --version | awk '{print $3}' >"$RFS/etc/claude-os/containerd-version"
  cp "$E/usr/sbin/runc" "$RFS/usr/sbin/"
  # The CNI plugins runtime/drivers/containerd/cni.ts runs.
  mkdir -p "$RFS/usr/lib/cni"
  for plugin in bridge host-local firewall portmap loopback; do cp "$E/usr/lib/cni/$plugin" "$RFS/usr/lib/cni/"; done
  # iptables (the nft backend) for the bridge, firewall and portmap plugins, with the matches they use.
  cp "$E/usr/sbin/xtables-nft-multi" "$RFS/usr/sbin/"
  for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do ln -sf xtables-nft-multi "$RFS/usr/sbin/$t"; done
  mkdir -p "$RFS/usr/lib/x86_64-linux-gnu/xtables"
  for x in libxt_standard libxt_comment libxt_multiport libxt_addrtype libxt_MASQUERADE libxt_mark libxt_MARK \
           libxt_conntrack libxt_tcp libxt_udp libxt_DNAT libxt_SNAT libipt_DNAT libipt_SNAT libipt_MASQUERADE \
           libip6t_DNAT libip6t_SNAT libip6t_MASQUERADE libxt_set; do
    [ -f "$E/usr/lib/x86_64-linux-gnu/xtables/$x.so" ] && cp "$E/usr/lib/x86_64-linux-gnu/xtables/$x.so" "$RFS/usr/lib/x86_64-linux-gnu/xtables/"
  done
  # nft for the firewall; iproute2's ip for `ip netns` and `ip -j` (busybox ip has neither);
  # mke2fs for a blank data disk (the image's own data partition is made at build time).
  cp "$E/usr/sbin/nft" "$RFS/usr/sbin/"
  cp "$E/bin/ip" "$RFS/usr/sbin/ip"
  copy_libs "$RFS/usr/bin/containerd" "$RFS/usr/bin/containerd-shim-runc-v2" "$RFS/usr/sbin/runc" \
    "$RFS/usr/sbin/xtables-nft-multi" "$RFS/usr/sbin/nft" "$RFS/usr/sbin/ip" "$RFS/usr/lib/cni/"*
  mkdir -p "$RFS/etc/containerd"
  # overlayfs for the snapshotter; bridge and veth for container networks; nf_tables and the
  # iptables matches (the kernel loads the rest on demand through modules.alias);
  # virtio_blk/ata + ext4 for the data disk; 9p for a shared folder (the boot test's).
  extra_modules="overlay bridge veth br_netfilter nf_tables nft_compat nft_chain_nat nft_ct nft_nat nft_masq nft_reject_inet nft_limit nft_log"
  extra_modules="$extra_modules nft_fib_inet nft_fib_ipv4 nft_fib_ipv6 xt_comment xt_multiport xt_addrtype xt_MASQUERADE xt_mark"
  extra_modules="$extra_modules xt_conntrack xt_nat xt_tcpudp 9p 9pnet_virtio"
fi
# The data partition is made by image/mkdisk.sh at build time; mke2fs (e2fsprogs, unpacked as
# above) stays in the image for a data partition or second disk that is blank (/init formats it).
if ! ls "$CACHE"/e2fsprogs_*.deb >/dev/null 2>&1; then
  say "downloading e2fsprogs"
  (cd "$CACHE" && apt-get download -o APT::Sandbox::User=root e2fsprogs >/dev/null)
fi
dpkg-deb -x "$(ls "$CACHE"/e2fsprogs_*.deb | head -n 1)" "$WORK/disktools"
cp "$WORK/disktools/sbin/mke2fs" "$RFS/usr/sbin/mke2fs"
cp "$WORK/disktools/etc/mke2fs.conf" "$RFS/etc/"
copy_libs "$RFS/usr/sbin/mke2fs"
# --- kernel modules (Debian's kernel only: our own has all of this built in) ---------------------
BOOT_MODULES=
if [ "$KERNEL" = debian ]; then
  BOOT_MODULES="virtio_pci virtio_blk virtio_scsi ata_piix ata_generic ahci sd_mod nvme squashfs"
  extra_modules="$extra_modules $BOOT_MODULES crc32c_generic ext4"
  # Loaded by /init before the banner: ext4 and overlayfs (containerd's snapshotter checks for
  # it when it starts; the initrd loaded the disk drivers); the rest (/etc/modules.late) after
  # the banner.
  early_modules="crc32c_generic ext4"
  late_modules=
  for m in $extra_modules; do
    case " $early_modules $BOOT_MODULES " in *" $m "*) continue ;; esac
    if [ "$m" = overlay ]; then early_modules="$early_modules $m"; else late_modules="$late_modules $m"; fi
  done
  printf '%s\n' $early_modules >"$WORK/modules.engine"
  printf '%s\n' $late_modules >"$WORK/modules.late"

  # --- kernel modules: the network drivers and what they depend on -----------------------------
  kmods=$WORK/kernel/lib/modules/$KVER
  modpath() { find "$kmods/kernel" -name "$1.ko" | head -n 1; }
  # copy_modules ROOT MODULE...: each module and what it depends on, into ROOT/lib/modules, indexed.
  copy_modules() {
    local root=$1 want seen=" " m f rel deps
    shift
    want="$*"
    while [ -n "${want// /}" ]; do
      set -- $want; m=$1; shift; want="$*"
      case "$seen" in *" $m "*) continue ;; esac
      seen="$seen$m "
      f=$(modpath "$m"); [ -n "$f" ] || die "kernel $KVER has no module $m"
      rel=${f#"$WORK/kernel/"}
      mkdir -p "$root/$(dirname "$rel")"
      cp "$f" "$root/$rel"
      deps=$(strings "$f" | sed -n 's/^depends=//p' | tr ',' ' ')
      want="$want $deps"
    done
    cp "$kmods"/modules.builtin* "$kmods"/modules.order "$root/lib/modules/$KVER/" 2>/dev/null || true
    "$BUSYBOX" depmod -b "$root" "$KVER"
  }
  # shellcheck disable=SC2046
  copy_modules "$RFS" $(grep -v '^#' "$HERE/rootfs/etc/modules") $extra_modules
fi

# --- system files ----------------------------------------------------------------------------
cp -a "$HERE/rootfs/." "$RFS/"
# (our own kernel: no modules to load, no /etc/modules)
[ "$KERNEL" = own ] && rm -f "$RFS/etc/modules"
[ -f "$WORK/modules.engine" ] && cat "$WORK/modules.engine" >>"$RFS/etc/modules"
[ -s "$WORK/modules.late" ] && { echo "# Loaded by /init after the banner (the daemons wait for them)"; cat "$WORK/modules.late"; } >"$RFS/etc/modules.late"
cat >"$RFS/etc/os-release" <<EOF
NAME="Claude.OS"
PRETTY_NAME="Claude.OS $VERSION"
ID=claude-os
VERSION_ID=$VERSION
HOME_URL="file:///usr/lib/claude-os/README.md"
EOF
# The root is read-only once booted: resolv.conf (written by the DHCP hook) lives in /run.
ln -sfn /run/resolv.conf "$RFS/etc/resolv.conf"
# The login prompt's greeting (getty shows /etc/issue): the DHCP hook writes the address into it.
ln -sfn /run/claude/issue "$RFS/etc/issue"
ln -sfn /run "$RFS/var/run"
{
  echo "# The environment of every Claude.OS process on this machine (/init, /etc/profile, the daemons)."
  echo "# (on the data partition; /etc/claude.d and /var/lib/claude link there)"
  echo "export CLAUDE_STATE_DIR=/data/claude.d"
  echo "export CLAUDE_DATA_DIR=/data/claude"
  echo "export HOME=/root"
  if [ "$ENGINE" = containerd ]; then
    echo "export CLAUDE_ENGINE=containerd"
    echo "# /init makes this file when it starts containerd and removes it once containerd answers:"
    echo "# until then a command that needs the engine says it is still starting and waits for it"
    echo "export CLAUDE_ENGINE_STARTING=/run/claude/engine-starting"
  fi
} >"$RFS/etc/claude-os.env"
mkdir -p "$RFS/usr/share/doc/claude-os"
cp "$SRC"/docs/*.md "$RFS/usr/share/doc/claude-os/"

# The console login (busybox getty and login): /etc/shadow lives on the data partition, so
# `passwd` works on the read-only root. /init makes it on first boot, from the hash baked in
# here (CLAUDE_IMAGE_ROOT_PASSWORD) or, without one, from a password it generates and shows once.
ln -sfn /data/system/shadow "$RFS/etc/shadow"
mkdir -p "$RFS/etc/claude-os"
if [ -n "${CLAUDE_IMAGE_ROOT_PASSWORD:-}" ]; then
  printf '%s\n' "$CLAUDE_IMAGE_ROOT_PASSWORD" | "$BUSYBOX" mkpasswd -m sha512 -P 0 >"$RFS/etc/claude-os/root-password.hash" \
    || die "cannot hash CLAUDE_IMAGE_ROOT_PASSWORD"
  chmod 600 "$RFS/etc/claude-os/root-password.hash"
  say "root password: baked in from CLAUDE_IMAGE_ROOT_PASSWORD (hashed)"
fi

# --- the root filesystem (squashfs) ----------------------------------------------------------
# Deterministic: sorted by mksquashfs, owned by root, every mtime the last commit's time.
find "$RFS" -exec touch -h -d "@$EPOCH" {} +
say "packing the root filesystem (squashfs, $COMPRESS)"
case "$COMPRESS" in
  # The x86 BCJ filter shrinks node and the Go binaries by ~10 %.
  xz) comp=(-comp xz -Xbcj x86 -Xdict-size 100%) ;;
  zstd) comp=(-comp zstd -Xcompression-level 19) ;;
  gzip) comp=(-comp gzip -Xcompression-level 9) ;;
esac
rm -f "$OUT/root.squashfs"
mksquashfs "$RFS" "$OUT/root.squashfs" "${comp[@]}" -b 1M -noappend -all-root -no-progress \
  -mkfs-time "$EPOCH" -all-time "$EPOCH" -quiet >/dev/null
[ "$(stat -c %s "$OUT/root.squashfs")" -le $((SLOT_MB * 1048576)) ] \
  || die "root.squashfs is larger than a root slot ($SLOT_MB MiB)"

# --- the initrd (Debian's kernel only): finds the boot disk and mounts the root -------------------
# The own kernel has the disk drivers and squashfs built in: it mounts the root itself
# (root=PARTUUID=<disk id>-02, image/mkdisk.sh) and runs its /init, with no initrd to unpack,
# no script and no switch_root before it (docs/image.md "Boot").
rm -f "$OUT/initrd.img"
INITRD=none
if [ "$KERNEL" = debian ]; then
  IRD=$WORK/initrd
  mkdir -p "$IRD"/bin "$IRD"/dev "$IRD"/proc "$IRD"/sys "$IRD"/newroot "$IRD"/etc
  cp "$BUSYBOX" "$IRD/bin/busybox"
  for applet in sh mount umount switch_root modprobe sleep cat dd od tr mkdir ls echo; do ln -s busybox "$IRD/bin/$applet"; done
  cp "$HERE/initrd/init" "$IRD/init"
  chmod 755 "$IRD/init"
  printf '%s\n' $BOOT_MODULES >"$IRD/etc/modules"
  # shellcheck disable=SC2086
  [ -n "$BOOT_MODULES" ] && copy_modules "$IRD" $BOOT_MODULES
  find "$IRD" -exec touch -h -d "@$EPOCH" {} +
  (cd "$IRD" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) \
    | zstd -q -19 >"$OUT/initrd.img"
  # (zstd: 0.1 MB more than xz for the BIOS to read, but the kernel unpacks it in a fraction of
  # xz's time, which under QEMU's software emulation is seconds; docs/image.md "Boot time")
  INITRD=$OUT/initrd.img
fi

# --- the disk image --------------------------------------------------------------------------
# image/mkdisk.sh: MBR with SYSLINUX, the boot partition (kernel, initrd), root slots A (this
# root) and B (empty), the data partition (an empty ext4, made there). No loop device, no mount.
DISKID=$(DISK_MB=$DISK_MB BOOT_MB=$BOOT_MB SLOT_MB=$SLOT_MB bash "$HERE/mkdisk.sh" "$OUT/claude-os.img" "$OUT/vmlinuz" "$INITRD" "$OUT/root.squashfs")
say "claude-os.img: disk $DISKID, ${DISK_MB} MiB"
rm -f "$OUT/claude-os.img.zst"
# (its parts are compressed already: a fast level loses nothing)
zstd -q -T0 -3 "$OUT/claude-os.img" -o "$OUT/claude-os.img.zst"

# --- sizes ---------------------------------------------------------------------------------
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
k=$(stat -c %s "$OUT/vmlinuz")
r=0
[ "$INITRD" = none ] || r=$(stat -c %s "$OUT/initrd.img")
q=$(stat -c %s "$OUT/root.squashfs")
z=$(stat -c %s "$OUT/claude-os.img.zst")
u=$(du -sb "$RFS" | cut -f1)
n=$(stat -c %s "$RFS/usr/bin/node")
c=$(du -sb "$PKG" | cut -f1)
nm_b=$(du -sb "$PKG/node_modules" | cut -f1)
total=$((k + r + q))
verdict=$([ "$total" -le $((TARGET_MB * 1000000)) ] && echo "within" || echo "OVER")
{
  echo "Claude.OS $VERSION image, kernel $KVER ($([ "$KERNEL" = own ] && echo "own, image/kernel.sh" || echo "Debian's")), root $COMPRESS, engine $ENGINE, compiler $([ "$COMPILER" = 1 ] && echo in || echo out)"
  echo "kernel (vmlinuz):             $(mb "$k")"
  if [ "$INITRD" = none ]; then echo "initrd:                       none (the kernel mounts the root itself)"; else echo "initrd (zstd):                $(mb "$r")"; fi
  echo "root filesystem (squashfs):   $(mb "$q")"
  echo "total compressed:             $(mb "$total")  ($verdict the ${TARGET_MB} MB target)"
  echo "claude-os.img:                ${DISK_MB} MiB disk (sparse); claude-os.img.zst $(mb "$z")"
  echo "root filesystem (unpacked):   $(mb "$u")"
  echo "  node (stripped):            $(mb "$n")"
  echo "  /usr/lib/claude-os:         $(mb "$c") (node_modules $(mb "$nm_b"))"
  if [ "$ENGINE" = containerd ]; then
    e=$(du -cb "$RFS"/usr/bin/containerd* "$RFS"/usr/sbin/runc | tail -n 1 | cut -f1)
    echo "  containerd, shim, runc:     $(mb "$e")"
    e=$(du -sb "$RFS"/usr/lib/cni | cut -f1)
    echo "  CNI plugins:                $(mb "$e")"
    e=$(du -cb "$RFS"/usr/sbin/xtables-nft-multi "$RFS"/usr/lib/x86_64-linux-gnu/xtables "$RFS"/usr/sbin/nft "$RFS"/usr/sbin/ip | tail -n 1 | cut -f1)
    echo "  iptables, nft, ip:          $(mb "$e")"
  fi
  if [ -d "$RFS/lib/modules" ]; then
    e=$(du -sb "$RFS"/lib/modules | cut -f1)
    echo "  kernel modules:             $(mb "$e")"
  else
    echo "  kernel modules:             none (all built in)"
  fi
  echo "build time:                   $(( $(date +%s) - started )) s"
} | tee "$OUT/SIZES"
[ "$verdict" = within ] || die "the image is over the ${TARGET_MB} MB target"
say "boot it: qemu-system-x86_64 -m 2G -hda $OUT/claude-os.img -nographic   (or: sudo bash image/boot-test.sh)"
