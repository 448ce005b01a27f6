/*
 * The object identifiers certificates commonly hold: the DER reader turns these into their dotted
 * form without building a string (der.ts, oidToString), which keeps parsing from making garbage.
 * Any other OID is still decoded, only more slowly. Adding one here changes no behaviour.
 *
 * Written as groups "prefix:tail tail ...;" (each OID is the prefix followed by one tail), expanded
 * at load: the table is data in one string, not 85 string literals in the bytecode.
 */
const GROUPS =
	// attribute types (RFC 5280 4.1.2.4, CA/Browser Forum EV)
	"2.5.4.:3 5 6 7 8 9 10 11 12 15 17 42 4 97;0.9.2342.19200300.100.1.:25 1;1.3.6.1.4.1.311.60.2.1.:1 2 3;" +
	// extensions (RFC 5280 4.2, RFC 6962), key purposes (RFC 5280 4.2.1.12)
	"2.5.29.:14 15 17 18 19 30 31 32 33 35 36 37 54 37.0;1.3.6.1.5.5.7.:1.1 1.24 3.1 3.2 3.3 3.4 3.8 3.9;" +
	"1.3.6.1.4.1.:11129.2.4.2 11129.2.4.3 311.21.7 311.21.10;2.16.840.1.113730.1.:1;" +
	// signature, hash and key algorithms (RFC 3279, 4055, 5480, 5758, 8410); PKCS#9 emailAddress
	"1.2.840.113549.1.:9.1 1.1 1.2 1.3 1.4 1.5 1.8 1.10 1.11 1.12 1.13 1.14;1.3.14.3.2.:26 29;" +
	"2.16.840.1.101.3.4.2.:1 2 3 4;1.2.840.10045.:2.1 3.1.7 4.1 4.3.1 4.3.2 4.3.3 4.3.4;1.3.132.0.:34 35;" +
	"1.2.840.10040.4.:3;1.3.101.:110 112 113;" +
	// certificate policies (CA/Browser Forum), policy qualifiers and access methods (RFC 5280)
	"2.23.140.1.:2.1 2.2 2.3 1;1.3.6.1.5.5.7.:2.1 2.2 48.1 48.2";

export const COMMON_OIDS: readonly string[] = [];
GROUPS.split(";").forEach((group) => {
	const at = group.indexOf(":"), prefix = group.slice(0, at);
	group.slice(at + 1).split(" ").forEach((tail) => (COMMON_OIDS as string[]).push(prefix + tail));
});
