/*
 * Server identity check in C (RFC 9525), the rules of modules/x509/name.ts, for the device
 * profile's C chain verifier (native/x509_chain.c). No heap, no recursion, static messages.
 *   - a DNS reference name is matched against the subjectAltName's dNSName entries only (no CN);
 *     an IP literal (IPv4 dotted quad; IPv6 with "::" and an IPv4 tail, optionally in brackets)
 *     against its iPAddress entries only, byte for byte (IPv4 never matches its IPv4-mapped form);
 *   - ASCII case-insensitive; A-labels compared as bytes; a name with non-ASCII bytes is refused;
 *   - a wildcard only as the whole leftmost label, matching one non-empty label, never an A-label
 *     ("xn--") nor an IP, never directly over a public suffix (name.ts's rule and registry labels);
 *   - one trailing dot of the reference name is ignored; malformed GeneralNames are refused.
 * With SECURESOCKET_NO_IPV6 (the device profile) IPv6 parsing is compiled out: an IPv6 name is refused.
 */
#ifndef SECURESOCKET_X509_IDENTITY_H
#define SECURESOCKET_X509_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

/* NULL when `name` (nameLength bytes) is a usable reference identity (a host name or an IP literal),
   else a static message starting "x509: " (check it once, up front, before any certificate) */
const char *x509_identity_valid(const char *name, size_t nameLength);

/* The reference identity `name` against a certificate's subjectAltName: san is the extension's
   extnValue contents (the GeneralNames SEQUENCE, tag and length included), or NULL with sanLength 0
   when the certificate has none. NULL when it matches, else a static message starting "x509: ". */
const char *x509_identity_check(const uint8_t *san, size_t sanLength, const char *name, size_t nameLength);

/* is der[0 .. length) exactly one Name, as dn.ts readName checks it (RFC 5280 4.1.2.4: SEQUENCE OF non-empty
   SET OF SEQUENCE { OBJECT IDENTIFIER, one value })? 1 or 0. (A directoryName here; a CA store record's
   subject in x509_anchor.c.) */
int x509_name_valid(const uint8_t *der, size_t length);

#endif
