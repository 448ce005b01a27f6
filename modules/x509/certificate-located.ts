/*
 * x509/certificate in the full profiles: the certificate parser, the X.509 locator in C and the JS
 * readers of what it leaves (located.ts), under the name the other modules import (the device
 * profile verifies in C, native/x509_chain.c, over the same locator).
 */
export * from "x509/located";
