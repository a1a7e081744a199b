#!/usr/bin/env bash
# Trims the ICU data built into a node binary to English, in place: what Node's own small-icu
# build ships (`./configure --with-intl=small-icu`: the root and English locales; other
# locales format as English), done on a full-icu binary such as the NodeSource/official
# builds, which embed all of ICU's data (about 33 MB, 8 MB of the image compressed) as the
# symbol icudt<N>_dat. The data is an ICU common-data package: icupkg (icu-devtools) removes
# the other locales' items, the legacy charset converters (*.cnv: TextDecoder then knows
# UTF-8, UTF-16 and latin1, as small-icu) and the CJK/Thai word-break dictionaries (*.dict);
# the smaller package is written over the old one and the rest of the symbol is zeroed, so
# the binary keeps its layout and size (the zeros cost nothing compressed).
# Kept: root and en* locales of every tree, collation root (ucadata), normalisation, time
# zones (zoneinfo64, metaZones, tzdbNames), plurals, units, numbering systems, break rules.
#
# usage: bash image/trim-icu.sh NODE_BINARY
# A binary with no embedded ICU data (system-icu, small-icu or stripped of its symbols) is
# left as it is (exit 0, says so). Exit 1 when the trimmed binary fails its Intl check.
set -euo pipefail

die() { printf 'image/trim-icu.sh: %s\n' "$*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: bash image/trim-icu.sh NODE_BINARY"
BIN=$1
[ -f "$BIN" ] || die "$BIN: no such file"
for t in nm readelf icupkg; do
  command -v "$t" >/dev/null 2>&1 || die "$t is missing (binutils, icu-devtools: apt-get install binutils icu-devtools)"
done

# The symbol: address and size (nm -S), e.g. "000000000330a4c0 0000000001f92d30 R icudt78_dat".
read -r addr size sym < <(nm -S --defined-only "$BIN" 2>/dev/null | awk '$4 ~ /^icudt[0-9]+_dat$/ { print $1, $2, $4; exit }') || true
if [ -z "${sym:-}" ]; then
  echo "trim-icu: $BIN embeds no ICU data symbol (icudt*_dat): left as it is"
  exit 0
fi
addr=$((16#$addr)); size=$((16#$size))
# The file offset: through the section holding the address (readelf -SW: Name Type Address Off Size).
off=
while read -r name type saddr soff ssize _; do
  [ "$type" = PROGBITS ] || continue
  saddr=$((16#$saddr)); soff=$((16#$soff)); ssize=$((16#$ssize))
  if [ "$addr" -ge "$saddr" ] && [ "$addr" -lt $((saddr + ssize)) ]; then off=$((addr - saddr + soff)); break; fi
done < <(readelf -SW "$BIN" | sed -n 's/^ *\[ *[0-9]*\] *//p')
[ -n "$off" ] || die "$BIN: no section holds $sym"

TMP=$(mktemp -d /tmp/claude-trim-icu-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# The package's name is in its items' paths (icudt78l/en.res): the file keeps it, l = little-endian.
pkg=${sym%_dat}l
mkdir -p "$TMP/in" "$TMP/out"
dd if="$BIN" of="$TMP/in/$pkg.dat" iflag=skip_bytes,count_bytes skip="$off" count="$size" status=none
[ "$(dd if="$TMP/in/$pkg.dat" bs=1 skip=12 count=4 status=none)" = CmnD ] \
  || die "$BIN: $sym at offset $off is not an ICU common-data package (no CmnD header)"
icupkg -l "$TMP/in/$pkg.dat" >"$TMP/all.txt" || die "icupkg cannot read $sym of $BIN"
# Locale items (xx.res, xx_YY.res, zh_Hant_TW.res, coll/de_.res …) other than root and en*,
# in every tree; res_index and pool are not locales. Then converters and dictionaries.
{
  grep -E '(^|/)[a-z]{2,3}(_[A-Za-z0-9]*)*\.res$' "$TMP/all.txt" \
    | grep -vE '(^|/)(res_index|pool)\.res$' | grep -vE '(^|/)(root|en(_[A-Za-z0-9]+)*)\.res$' || true
  grep -E '\.(cnv|dict)$' "$TMP/all.txt" || true
} >"$TMP/remove.txt"
# --ignore-deps: the root break rules name the dictionaries; ICU does without them.
icupkg --ignore-deps -r "$TMP/remove.txt" "$TMP/in/$pkg.dat" "$TMP/out/$pkg.dat" >/dev/null \
  || die "icupkg could not remove the items from $sym"
small=$(stat -c %s "$TMP/out/$pkg.dat")
[ "$small" -le "$size" ] || die "the trimmed ICU data ($small bytes) is larger than the original ($size)"
cp "$BIN" "$TMP/node"
{ cat "$TMP/out/$pkg.dat"; head -c $((size - small)) /dev/zero; } \
  | dd of="$TMP/node" oflag=seek_bytes seek="$off" conv=notrunc status=none
# The trimmed binary must run and format in English; a full-icu binary formats de-DE otherwise.
got=$("$TMP/node" -e '
  const d = new Date(Date.UTC(2024, 0, 31, 13, 5));
  const o = { timeZone: "UTC" };
  console.log([d.toLocaleString("en-US", o), (1234.5).toLocaleString("en-US"), ["b", "a"].sort(new Intl.Collator("en").compare).join(""),
    new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Paris", timeStyle: "short" }).format(d)].join("|"))' 2>&1) \
  || die "the trimmed node does not run: $got"
[ "$got" = "1/31/2024, 1:05:00 PM|1,234.5|ab|2:05 PM" ] || die "the trimmed node formats wrongly: $got"
cat "$TMP/node" >"$BIN"
awk -v a="$size" -v b="$small" -v k="$(($(wc -l <"$TMP/all.txt") - $(wc -l <"$TMP/remove.txt")))" -v n="$(wc -l <"$TMP/all.txt")" -v s="$sym" \
  'BEGIN { printf "trim-icu: %s %.1f MB -> %.1f MB (root and English locales: %d of %d items kept)\n", s, a / 1e6, b / 1e6, k, n }'
