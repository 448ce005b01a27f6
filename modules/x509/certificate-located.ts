/*
 * x509/certificate in every profile: the certificate parser, the X.509 locator in C and the JS
 * readers of what it leaves (located.ts), under the name the other modules import.
 */
export * from "x509/located";
