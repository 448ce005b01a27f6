#!/usr/bin/env bash
# Brings what the build needs, and only what is missing (--test: also what npm test needs;
# --fuzz: what npm run fuzz:native needs):
#   1. Debian packages (compiler, make, openssl, gnutls-bin, libmbedtls-dev, and dpkg-dev for
#      `apt-get source`), installed with apt-get when we run as root;
#   2. npm packages (typescript, @moddable/typings) through `npm ci`;
#   3. the XS engine sources: the npm tarball of @agoric/xsnap, pinned by version and integrity,
#      unpacked without installing it (its install script and ~90 dependencies are not wanted);
#   4. the mbedtls library sources from Debian's source package (or $MBEDTLS when set), so that the
#      host compiles mbedtls with our own configuration (native/mbedtls_config.h), as a device does.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEPS="$ROOT/build/deps"
mkdir -p "$DEPS"

XSNAP_VERSION=0.15.0
XSNAP_INTEGRITY='sha512-ZBm4DZxbtfacxMHVVdJjZi0Y8zOxN77vpu1WwI5RWfPkaRh0aHkz/dVdTGKXalDNzWfz183lljKxlxl3/h0n+A=='
DEBS=(gcc make dpkg-dev libmbedtls-dev openssl gnutls-bin ca-certificates ${EXTRA_DEBS:-})
# peers only the tests start (npm test passes --test): not installed for npm start or npm run build
# (gcc-multilib: build/xsh32, the 32-bit host the tests also run; curl and testssl.sh: clients of
# our TLS server, and its scan, npm run scan; valgrind: the constant-time check of tests/p256-sign.test.mjs)
if [ "${1:-}" = "--test" ]; then DEBS+=(lighttpd lighttpd-mod-mbedtls lighttpd-mod-wolfssl gcc-multilib curl testssl.sh valgrind); fi
# the libFuzzer harnesses (tests/fuzz-native.test.mjs, npm run fuzz:native): clang and its libFuzzer,
# ASan and UBSan runtimes (libclang-rt-14-dev is only a Recommends of clang)
if [ "${1:-}" = "--test" ] || [ "${1:-}" = "--fuzz" ]; then DEBS+=(clang libclang-rt-14-dev); fi

log() { printf 'deps: %s\n' "$*" >&2; }

missing=()
for p in "${DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
need_src=0
if [ -z "${MBEDTLS:-}" ] && ! ls -d "$DEPS"/mbedtls-2.28.* >/dev/null 2>&1; then need_src=1; fi

# `apt-get source` needs deb-src entries: add them beside the deb entries (returns 0 if it added any)
enable_deb_src() {
  if grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then return 1; fi
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && sed -i 's/^Types: deb$/Types: deb deb-src/' "$f"
  done
  if [ -f /etc/apt/sources.list ]; then
    sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list > /etc/apt/sources.list.d/securesocket-src.list
  fi
  return 0
}
if [ "${1:-}" = "--enable-deb-src" ]; then enable_deb_src || true; exit 0; fi

if [ ${#missing[@]} -gt 0 ] || [ $need_src = 1 ]; then
  if [ "$(id -u)" != 0 ]; then
    if [ ${#missing[@]} -gt 0 ]; then
      log "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
      exit 1
    fi
  else
    update=0
    if [ $need_src = 1 ] && enable_deb_src; then update=1; fi
    if [ ${#missing[@]} -gt 0 ]; then update=1; fi
    if [ $update = 1 ]; then log "apt-get update"; apt-get update -qq; fi
    if [ ${#missing[@]} -gt 0 ]; then
      log "apt-get install ${missing[*]}"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
  fi
fi

if [ $need_src = 1 ]; then
  log "fetching the mbedtls sources (Debian source package)"
  (cd "$DEPS" && apt-get source -qq mbedtls >/dev/null 2>&1) || {
    log "apt-get source mbedtls failed: enable deb-src entries, or set MBEDTLS to an mbedtls 2.28 tree"; exit 1; }
  rm -f "$DEPS"/mbedtls_*.dsc "$DEPS"/mbedtls_*.tar.*
fi

if [ ! -d "$ROOT/node_modules/typescript" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  log "npm ci"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

if [ ! -f "$DEPS/xs/sources/xsAll.c" ]; then
  log "fetching the XS sources (@agoric/xsnap@$XSNAP_VERSION tarball)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "@agoric/xsnap@$XSNAP_VERSION" >/dev/null)
  got="sha512-$(openssl dgst -sha512 -binary "$tmp/agoric-xsnap-$XSNAP_VERSION.tgz" | base64 -w0)"
  if [ "$got" != "$XSNAP_INTEGRITY" ]; then log "integrity mismatch for the xsnap tarball: $got"; exit 1; fi
  rm -rf "$DEPS/xs"; mkdir -p "$DEPS/xs"
  tar xzf "$tmp/agoric-xsnap-$XSNAP_VERSION.tgz" -C "$DEPS/xs" --strip-components=3 package/moddable/xs
  rm -rf "$tmp"
fi
