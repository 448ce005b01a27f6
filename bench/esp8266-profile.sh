#!/usr/bin/env bash
# What the ESP8266 .text of the C core would be for a device profile that leaves features out, or adds C:
# links the objects of `npm run size:esp8266` (build/esp8266/obj, run that first) the same way (--gc-sections,
# every host function xs_* a root) into a scratch directory, after these changes, and prints the linked .text
# and, per object, what changed against the full link. An experiment on copies: native/ is not touched.
#   --no-sign      the signing host functions are not roots (xs_ecdsa_sign, xs_rsa_sign_pkcs1, xs_rsa_sign_pss:
#                  client certificates and the server)
#   --no-private   xs_pk_init refuses private keys (pk.c compiled with pk_private() unreached)
#   --no-chacha    aead.c compiled with the ChaCha20-Poly1305 calls stubbed (AES-GCM suites only)
#   --no-x25519    ecdh.c compiled with the X25519 calls stubbed (NIST groups only)
#   --add FILE.c   one more C file compiled with our flags, its xs_* roots kept
#   bash bench/esp8266-profile.sh --no-sign --no-private --no-chacha
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MBEDTLS=${MBEDTLS:-$(ls -d "$ROOT"/build/deps/mbedtls-2.28.* | head -n 1)}
IN="$ROOT/build/esp8266/obj"
[ -f "$IN/native_pk.o" ] || { echo "esp8266-profile: run npm run size:esp8266 first" >&2; exit 1; }
SPECS=$(dpkg -L picolibc-xtensa-lx106-elf 2>/dev/null | grep '/picolibc.specs$' | head -n 1)
CFLAGS=(-Os -std=c99 -mlongcalls -mtext-section-literals -ffunction-sections -fdata-sections -D__ets__
  -DSECURESOCKET_NO_AES_DECRYPT "--specs=$SPECS" -I"$ROOT/build/deps/xs/includes" -I"$ROOT/native"
  -I"$MBEDTLS/include" '-DMBEDTLS_CONFIG_FILE="mbedtls_config.h"')
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/full" "$WORK/obj"
cp "$IN"/*.o "$WORK/full/"
cp "$IN"/*.o "$WORK/obj/"

drop=()
# a native file compiled from a copy with macros defined right after one of its includes
patched() { # name include defines...
  local name=$1 include=$2; shift 2
  local defs; defs=$(printf '\\n#define %s' "$@")
  sed "s|#include \"$include\"|#include \"$include\"$defs|" "$ROOT/native/$name.c" > "$WORK/$name.c"
  xtensa-lx106-elf-gcc "${CFLAGS[@]}" -w -c "$WORK/$name.c" -o "$WORK/obj/native_$name.o"
}
while [ $# -gt 0 ]; do
  case "$1" in
    --no-sign) drop+=(xs_ecdsa_sign xs_rsa_sign_pkcs1 xs_rsa_sign_pss);;
    --no-private) sed 's/case 2: error = pk_private(der, size, &key); break;/case 2: error = PK_UNSUPPORTED_KEY; break;/' \
        "$ROOT/native/pk.c" > "$WORK/pk.c"
      grep -q 'case 2: error = PK_UNSUPPORTED_KEY' "$WORK/pk.c" || { echo "esp8266-profile: pk.c changed: --no-private needs updating" >&2; exit 1; }
      xtensa-lx106-elf-gcc "${CFLAGS[@]}" -w -I"$ROOT/native" -c "$WORK/pk.c" -o "$WORK/obj/native_pk.o";;
    --no-chacha) patched aead chachapoly.h 'chachapoly_seal(...) ((void)0)' 'chachapoly_open(...) (-1)' \
        'chachapoly_setkey(...) ((void)0)' 'chachapoly_start(...) ((void)0)' 'chachapoly_update(...) ((void)0)' 'chachapoly_finish(...) ((void)0)';;
    --no-x25519) patched ecdh x25519.h 'securesocket_x25519(...) (-1)' 'securesocket_x25519_base(...) (-1)';;
    --add) shift; xtensa-lx106-elf-gcc "${CFLAGS[@]}" -Wall -Wextra -Werror -c "$1" -o "$WORK/obj/native_added_$(basename "$1" .c).o";;
    *) echo "esp8266-profile: unknown option $1" >&2; exit 1;;
  esac
  shift
done

# link like tools/size-esp8266.sh; the map gives each object's share of the linked .text
link() { # objdir map
  local roots und=() r
  roots=$(for o in "$1"/native_*.o; do xtensa-lx106-elf-nm --defined-only "$o" | awk '$2 == "T" && $3 ~ /^xs_/ { print $3 }'; done | sort -u)
  for r in $roots; do [[ " ${drop[*]-} " == *" $r "* ]] || und+=("-Wl,--undefined=$r"); done
  xtensa-lx106-elf-gcc -nostdlib -Wl,--gc-sections -Wl,--unresolved-symbols=ignore-all -Wl,-e,0 "${und[@]}" \
    -Wl,-Map="$2" -o "$WORK/core.elf" "$1"/*.o 2>/dev/null
  xtensa-lx106-elf-size "$WORK/core.elf" | awk 'NR==2 { print $1 }'
}
full=$(drop=() link "$WORK/full" "$WORK/full.map")
text=$(link "$WORK/obj" "$WORK/obj.map")
perobject() { # map: "object bytes" lines (.text, .literal, .rodata input sections kept in the link)
  node -e '
    const map = require("fs").readFileSync(process.argv[1], "utf8").split("Linker script and memory map")[1];
    const s = {};
    for (const m of map.matchAll(/^ \.(?:text|literal|rodata)\S*\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+\S*\/(\w+)\.o$/gm))
      s[m[2]] = (s[m[2]] ?? 0) + parseInt(m[1], 16);
    for (const k of Object.keys(s).sort()) console.log(k, s[k]);' "$1"
}
join -a1 -a2 -e0 -o 0,1.2,2.2 <(perobject "$WORK/full.map") <(perobject "$WORK/obj.map") |
  awk '$2 != $3 { printf "  %-26s %7d -> %7d (%+d)\n", $1, $2, $3, $3 - $2 }'
echo "esp8266 .text, linked: $full (all) -> $text (this profile), $((text - full)) B; room under 65,536: $((65536 - text))"
