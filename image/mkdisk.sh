#!/usr/bin/env bash
# Assembles the Claude.OS disk image from its parts, without a loop device or a mount (so it
# runs as any user, in CI and in containers): the FAT boot partition is made as a file
# (mkfs.vfat, mtools, SYSLINUX's mtools installer), the partition table is written into the
# disk file by sfdisk, and each partition's bytes by dd.
#
#   bash image/mkdisk.sh OUT.img VMLINUZ INITRD|none ROOT
#
# With an INITRD, SYSLINUX loads it and the initrd finds the root (Debian's kernel, which needs
# its disk modules first). With `none` there is no initrd: the kernel mounts slot A itself
# (root=PARTUUID=<disk id>-02 rootfstype=squashfs ro) and runs the root's /init (the device's
# own kernel, which has the disk drivers and squashfs built in).
#
# The disk (MBR, SYSLINUX's boot code in its first 440 bytes):
#   1  FAT16 "CLAUDE-BOOT", bootable, BOOT_MB   SYSLINUX (ldlinux.sys, ldlinux.c32), syslinux.cfg,
#                                               vmlinuz.a and vmlinuz.b (each slot's kernel;
#                                               B's empty until an update),
#                                               initrd.img (when there is one)
#   2  root slot A, SLOT_MB                     ROOT (a squashfs) as it is
#   3  root slot B, SLOT_MB                     empty: the inactive slot for A/B updates
#                                               (`claude upgrade`, runtime/upgrade/)
#   4  data, the rest of the disk               an empty ext4 filesystem labelled claude-data, made
#                                               here (mke2fs on a file; sparse): the first boot mounts
#                                               it as it is, no mkfs at boot
# The MBR's disk identifier is on the kernel's command line: as claude.disk=0x… (the initrd finds
# the boot disk by it, image/initrd/init) and, without an initrd, in root=PARTUUID=<id>-02 (the
# kernel's own way to name an MBR partition).
#
# Environment: DISK_MB (default 2048), BOOT_MB (64), SLOT_MB (256), DISKID (8 hex digits;
# default: from the parts' hash), KERNEL_ARGS (extra kernel arguments). Prints the disk
# identifier (0x…) on stdout.
set -euo pipefail

die() { printf 'image/mkdisk.sh: %s\n' "$*" >&2; exit 1; }
[ $# -eq 4 ] || die "usage: mkdisk.sh OUT.img VMLINUZ INITRD|none ROOT"
OUTIMG=$1 KERNEL=$2 INITRD=$3 ROOTFS=$4
PARTS=("$KERNEL" "$ROOTFS")
[ "$INITRD" = none ] || PARTS=("$KERNEL" "$INITRD" "$ROOTFS")
for f in "${PARTS[@]}"; do [ -f "$f" ] || die "no such file: $f"; done
for t in mkfs.vfat:dosfstools mcopy:mtools syslinux:syslinux sfdisk:fdisk mke2fs:e2fsprogs; do
  command -v "${t%%:*}" >/dev/null 2>&1 || die "${t%%:*} is missing: apt-get install ${t##*:}"
done
MBR=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$MBR" ] || die "$MBR is missing: apt-get install syslinux-common"

DISK_MB=${DISK_MB:-2048}
BOOT_MB=${BOOT_MB:-64}
SLOT_MB=${SLOT_MB:-256}
for v in DISK_MB BOOT_MB SLOT_MB; do
  case "${!v}" in ''|*[!0-9]*) die "$v=${!v}: a whole number of MiB" ;; esac
done
[ "$DISK_MB" -ge $((1 + BOOT_MB + 2 * SLOT_MB + 64)) ] \
  || die "DISK_MB=$DISK_MB is too small: at least $((1 + BOOT_MB + 2 * SLOT_MB + 64)) (the boot partition, two root slots and 64 MiB of data)"
size() { stat -c %s "$1"; }
[ "$(size "$ROOTFS")" -le $((SLOT_MB * 1048576)) ] || die "$ROOTFS ($(size "$ROOTFS") bytes) does not fit a root slot of $SLOT_MB MiB"
initrd_bytes=0
[ "$INITRD" = none ] || initrd_bytes=$(size "$INITRD")
# Room for three kernels: one per slot and, while an update writes it, the new one.
[ $(( 3 * $(size "$KERNEL") + initrd_bytes + 1048576 )) -le $((BOOT_MB * 1048576)) ] \
  || die "three kernels and the initrd do not fit the boot partition of $BOOT_MB MiB"
DISKID=${DISKID:-$(cat "${PARTS[@]}" | sha256sum | cut -c1-8)}
case "$DISKID" in [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ;; *) die "DISKID=$DISKID: 8 lower-case hex digits" ;; esac
[ "$DISKID" != 00000000 ] || die "DISKID=00000000 means no identifier"

BOOT_START=2048
BOOT_SECTORS=$((BOOT_MB * 2048))
A_START=$((BOOT_START + BOOT_SECTORS))
SLOT_SECTORS=$((SLOT_MB * 2048))
B_START=$((A_START + SLOT_SECTORS))
D_START=$((B_START + SLOT_SECTORS))
D_SECTORS=$((DISK_MB * 2048 - D_START))

WORK=$(mktemp -d "${TMPDIR:-/tmp}/claude-os-mkdisk-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
{
  echo "# Claude.OS boot loader (SYSLINUX). Slot A is partition 2, slot B partition 3. DEFAULT is the"
  echo "# confirmed slot; \`claude upgrade\` boots a new slot once (SYSLINUX's ADV) and \`claude upgrade"
  echo "# confirm\` makes it the default (docs/image.md, \"Updates\"). panic=10: a new kernel that panics"
  echo "# reboots, into the default."
  echo "SERIAL 0 115200"
  echo "DEFAULT claude-a"
  echo "PROMPT 0"
  echo "TIMEOUT 0"
  for slot in a b; do
    part=02
    [ "$slot" = b ] && part=03
    echo "LABEL claude-$slot"
    echo "  LINUX /vmlinuz.$slot"
    if [ "$INITRD" = none ]; then
      # No initrd: the kernel mounts the slot (partition 2 or 3 of the disk with this
      # identifier) and runs its /init. rootwait: the disk may still be probing.
      echo "  APPEND console=tty0 console=ttyS0,115200 quiet no_timer_check panic=10 root=PARTUUID=$DISKID-$part rootfstype=squashfs ro rootwait init=/init claude.disk=0x$DISKID claude.slot=$slot${KERNEL_ARGS:+ $KERNEL_ARGS}"
    else
      echo "  INITRD /initrd.img"
      echo "  APPEND console=tty0 console=ttyS0,115200 quiet no_timer_check panic=10 claude.disk=0x$DISKID claude.slot=$slot${KERNEL_ARGS:+ $KERNEL_ARGS}"
    fi
  done
} >"$WORK/syslinux.cfg"
# The hidden-sectors field (-h) is where the partition starts: SYSLINUX's boot sector reads
# ldlinux.sys relative to it.
mkfs.vfat -C -F 16 -n CLAUDE-BOOT -i "$DISKID" -h "$BOOT_START" "$WORK/boot.fat" $((BOOT_MB * 1024)) >/dev/null
export MTOOLS_SKIP_CHECK=1
# Each slot its kernel: vmlinuz.a and vmlinuz.b (8.3 names). Slot B is empty until the first
# update writes its root and its kernel (an empty vmlinuz.b: a copy of A's would add 3.5 MB to
# the compressed disk).
cp "$KERNEL" "$WORK/vmlinuz.a"
: >"$WORK/vmlinuz.b"
files=("$WORK/vmlinuz.a" "$WORK/vmlinuz.b" "$WORK/syslinux.cfg")
if [ "$INITRD" != none ]; then cp "$INITRD" "$WORK/initrd.img"; files+=("$WORK/initrd.img"); fi
mcopy -i "$WORK/boot.fat" "${files[@]}" ::/
syslinux --install "$WORK/boot.fat"   # ldlinux.sys and ldlinux.c32, written through mtools

rm -f "$OUTIMG"
truncate -s "${DISK_MB}M" "$OUTIMG"
printf '%s\n' "label: dos" "label-id: 0x$DISKID" "unit: sectors" "" \
  "start=$BOOT_START, size=$BOOT_SECTORS, type=6, bootable" \
  "start=$A_START, size=$SLOT_SECTORS, type=83" \
  "start=$B_START, size=$SLOT_SECTORS, type=83" \
  "start=$D_START, type=83" | sfdisk --quiet "$OUTIMG" >/dev/null
dd if="$MBR" of="$OUTIMG" bs=440 count=1 conv=notrunc status=none
dd if="$WORK/boot.fat" of="$OUTIMG" bs=1M seek=$((BOOT_START * 512)) oflag=seek_bytes conv=notrunc,sparse status=none
dd if="$ROOTFS" of="$OUTIMG" bs=1M seek=$((A_START * 512)) oflag=seek_bytes conv=notrunc,sparse status=none
# The data partition's filesystem, made here rather than on the machine's first boot (where
# mke2fs took seconds under emulation): ext4, labelled claude-data, no reserved blocks, its
# inode tables and journal initialised now (so the kernel has no lazy init to do after the
# first mount), made in a sparse file and written sparse. Its UUID and hash seed come from
# the disk identifier (its creation time is the build's: Debian 12's e2fsprogs 1.47.0 takes
# no SOURCE_DATE_EPOCH, as mtools does not for the boot partition's file times). Every
# machine made from one image has the same filesystem UUID; /init finds it by its label.
DATA_UUID=$(printf 'claude-data %s' "$DISKID" | sha256sum | sed 's/^\(.\{8\}\)\(.\{4\}\).\(.\{3\}\).\(.\{3\}\)\(.\{12\}\).*/\1-\2-4\3-8\4-\5/')
mke2fs -q -F -t ext4 -L claude-data -m 0 -U "$DATA_UUID" \
  -E "hash_seed=$DATA_UUID,lazy_itable_init=0,lazy_journal_init=0,root_owner=0:0" \
  "$WORK/data.ext4" "$((D_SECTORS / 2))k" >/dev/null || die "cannot make the data filesystem (mke2fs)"
dd if="$WORK/data.ext4" of="$OUTIMG" bs=1M seek=$((D_START * 512)) oflag=seek_bytes conv=notrunc,sparse status=none
echo "0x$DISKID"
