#!/usr/bin/env bash
# npm run size:esp8266: code size of the C core on the ESP8266. Compiles native/*.c and the mbedtls
# library files that manifest.json lists with Debian's xtensa-lx106-elf-gcc -Os (as mcconfig -p esp
# would), prints .text/.data/.bss per file, then links them with --gc-sections from the host functions
# that a profile's modules call (tools/native-roots.mjs: what a Moddable build of that manifest links),
# and prints the total that would land in the firmware: once for the full core (manifest_server.json's
# host functions, client and server), once for the device profile's core (manifest_device.json's host
# functions, native/*.c compiled again with its esp defines SECURESOCKET_NO_SIGN and
# SECURESOCKET_NO_PRIVATE_KEYS: no signing, no private keys).
# Target: the device core's linked .text <= 64 KB. The device profile is the ESP8266 build (issue 7's
# JS bytecode target is judged on it too); the full core, with signing, private keys and the server, is
# for ESP32-class devices and hosts, and is reported beside it.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MBEDTLS=${MBEDTLS:-$(ls -d "$ROOT"/build/deps/mbedtls-2.28.* | head -n 1)}
OUT="$ROOT/build/esp8266"
CC=xtensa-lx106-elf-gcc
command -v $CC >/dev/null || { echo "size: $CC missing (apt-get install gcc-xtensa-lx106 picolibc-xtensa-lx106-elf)" >&2; exit 1; }
SPECS=$(dpkg -L picolibc-xtensa-lx106-elf 2>/dev/null | grep '/picolibc.specs$' | head -n 1)
CFLAGS=(-Os -std=c99 -mlongcalls -mtext-section-literals -ffunction-sections -fdata-sections -fcallgraph-info=su
  -D__ets__ -DSECURESOCKET_NO_AES_DECRYPT
  "--specs=$SPECS" -I"$ROOT/build/deps/xs/includes" -I"$ROOT/native" -I"$MBEDTLS/include"
  '-DMBEDTLS_CONFIG_FILE="mbedtls_config.h"')
mkdir -p "$OUT/obj" "$OUT/obj-device"
rm -f "$OUT"/obj/*.o "$OUT"/obj/*.ci "$OUT"/obj-device/*.o "$OUT"/obj-device/*.ci
# the device profile's defines: manifest_device.json's for the esp platform (beside the top-level ones)
DEVICE=($(node -e 'const m = require(process.argv[1]); for (const f of (m.build.C_FLAGS + " " + m.platforms.esp.build.C_FLAGS).split(" ")) if (/^-DSECURESOCKET_NO_(SIGN|PRIVATE_KEYS|IPV6|CHACHAPOLY|X509_TEXTS)$/.test(f)) console.log(f)' "$ROOT/manifest_device.json" | sort -u))

sources=("$ROOT"/native/*.c)
for m in $(node -e 'for (const p of require(process.argv[1]).modules["*"]) if (p.startsWith("$(MBEDTLS)/library/")) console.log(p.split("/").pop())' "$ROOT/manifest.json"); do
  sources+=("$MBEDTLS/library/$m.c")
done
for src in "${sources[@]}"; do
  name=$(basename "$src" .c)
  case "$src" in
    "$ROOT"/native/*) obj="$OUT/obj/native_$name.o"; warnings=(-Wall -Wextra -Werror);;   # ours: warnings are errors
    *) obj="$OUT/obj/mbedtls_$name.o"; warnings=(-w);;
  esac
  $CC "${CFLAGS[@]}" "${warnings[@]}" -c "$src" -o "$obj"
  case "$src" in
    "$ROOT"/native/*) $CC "${CFLAGS[@]}" "${DEVICE[@]}" "${warnings[@]}" -c "$src" -o "$OUT/obj-device/native_$name.o";;
  esac
done

printf '%-28s %8s %8s %8s\n' file .text .data .bss
for obj in "$OUT"/obj/*.o; do
  xtensa-lx106-elf-size "$obj" | awk -v n="$(basename "$obj" .o)" 'NR==2 { printf "%-28s %8d %8d %8d\n", n, $1, $2, $3 }'
done | tee "$OUT/files.txt"
awk '{ t += $2; d += $3; b += $4 } END { printf "%-28s %8d %8d %8d\n", "sum of objects", t, d, b }' "$OUT/files.txt"

# the firmware's view: only what the profile's host functions reach
link() { # manifest elf objects...
  local manifest=$1 elf=$2 roots r undefined=()
  shift 2
  roots=$(node "$ROOT/tools/native-roots.mjs" "$ROOT/$manifest")
  for r in $roots; do undefined+=("-Wl,--undefined=$r"); done
  $CC -nostdlib -Wl,--gc-sections -Wl,--unresolved-symbols=ignore-all -Wl,-e,0 "${undefined[@]}" -o "$elf" "$@" 2>/dev/null
  echo "$roots" | wc -w
}
hostfns=$(link manifest_server.json "$OUT/core.elf" "$OUT"/obj/*.o)
read -r text data bss <<<"$(xtensa-lx106-elf-size "$OUT/core.elf" | awk 'NR==2 { print $1, $2, $3 }')"
printf '%-28s %8d %8d %8d\n' "linked (--gc-sections)" "$text" "$data" "$bss"
dhostfns=$(link manifest_device.json "$OUT/core-device.elf" "$OUT"/obj/mbedtls_*.o "$OUT"/obj-device/native_*.o)
read -r dtext ddata dbss <<<"$(xtensa-lx106-elf-size "$OUT/core-device.elf" | awk 'NR==2 { print $1, $2, $3 }')"
printf '%-28s %8d %8d %8d\n' "device profile, linked" "$dtext" "$ddata" "$dbss"
printf 'host functions: %d (full core), %d (device core)\n' "$hostfns" "$dhostfns"
node "$ROOT/tools/stack-esp8266.mjs" "$OUT/obj" "$OUT/stack.json"
# the interpreter's own frames on the lx106 (XS from the xsnap tarball, -Os, mxDebug off): what each
# entry of C into XS (fxRunID), and each level of the collector's marking, costs there (docs/HOST.md)
XS="$ROOT/build/deps/xs"
mkdir -p "$OUT/xs"
for f in xsRun xsMemory xsDataView xsFunction; do
  $CC -Os -mlongcalls -mtext-section-literals -fstack-usage "--specs=$SPECS" -w -DINCLUDE_XSPLATFORM \
    -DXSPLATFORM='"esp8266-xs-platform.h"' -DmxRun=1 -DmxNoConsole=1 -I"$ROOT/tools" -I"$XS/includes" \
    -I"$XS/platforms" -I"$XS/sources" -c "$XS/sources/$f.c" -o "$OUT/xs/$f.o"
done
echo "XS frames on the lx106 (bytes):" \
  "$(awk -F'\t' '{ split($1, a, ":"); print a[4] "=" $2 }' "$OUT"/xs/*.su | grep -E '^(fxRunID|fx_Function_prototype_call|fx_TypedArray|fx_ArrayBuffer|fxCollect|fxMark|fxMarkInstance|fxMarkReference|fxNewSlot)=' | sort | tr '\n' ' ')"
limit=$((64 * 1024))
echo "esp8266 .text, full core (manifest_server.json's host functions, all defines): $text bytes (reported, not judged)"
echo "esp8266 .text, device profile (manifest_device.json: ${DEVICE[*]}): $dtext bytes"
if [ "$dtext" -le "$limit" ]; then echo "esp8266 .text (device core): $dtext bytes <= $limit: target met"; else echo "esp8266 .text (device core): $dtext bytes > $limit: target NOT met"; exit 1; fi
