/*
 * crypto/chachapoly in the device profile (manifest_device.json): its C core is built without
 * ChaCha20-Poly1305 (SECURESOCKET_NO_CHACHAPOLY; native/aead.c then refuses kind 2 with "crypto:
 * ChaCha20-Poly1305 is not in this build"), so the client offers only the AES-GCM suites (RFC 8446 9.1:
 * every TLS 1.3 server implements TLS_AES_128_GCM_SHA256).
 */
export const CHACHA20_POLY1305_BUILT = false;
