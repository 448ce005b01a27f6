/*
 * Whether this build's C core has ChaCha20-Poly1305 (native/aead.c kind 2): it has. The device profile
 * (manifest_device.json) maps crypto/chachapoly to crypto/no-chachapoly: its core is built with
 * SECURESOCKET_NO_CHACHAPOLY (3.6 KB less ESP8266 .text), and securesocket/options then neither offers the
 * ChaCha20-Poly1305 suites nor accepts them ("securesocket: cipherSuites[0]: ... is not in this build").
 */
export const CHACHA20_POLY1305_BUILT = true;
