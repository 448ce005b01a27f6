/*
 * The "x509" module: certificate verification for TLS (docs/X509.md).
 *
 *   import { verifyChain, ChainVerifier, X509Error } from "x509";
 */
export { X509Error } from "./errors";
export type { X509ErrorCode, IssuerDescription } from "./errors";
export { verifyChain } from "./verify";
export type { VerifyChainOptions } from "./verify";
export { ChainVerifier, DEFAULT_MAX_DEPTH } from "./stream";
export type { VerifierOptions, DER } from "./stream";
export { parseCertificate } from "x509/certificate";
export type { CertificateSummary } from "x509/certificate";
export type { DistinguishedName } from "./dn";
export { KeyUsage, SERVER_AUTH, CLIENT_AUTH, ANY_EXTENDED_KEY_USAGE } from "./extensions";
export type { BasicConstraints, GeneralNames, NameConstraints } from "./extensions";
export { ipToString, parseIP, matchesDNSName } from "./name";
export type { Usage } from "./path";
export { CAStore } from "./castore";
