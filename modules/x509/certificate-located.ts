/*
 * The device profile's x509/certificate: the parser with the locator in C (located.ts), under the
 * name the other modules import (the full profiles' x509/certificate is certificate.ts).
 */
export * from "x509/located";
