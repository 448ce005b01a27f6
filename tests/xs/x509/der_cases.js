// The strict DER reader (modules/x509/der.ts), times and names on small hand-made encodings (the
// certificate's own walk is the locator's in C: tests/x509-locate.test.mjs). Prints one JSON line per
// case: { name, ok, expected, got } where ok means the outcome is the expected one (a value, or an
// X509Error "malformed" whose message contains the expected text), then { done, failed }.
import {
	DERReader, decodeHeader, checkInteger, smallInteger, booleanValue, unusedBitCount, oidToString,
	SEQUENCE, INTEGER, NULL, OCTET_STRING, MAX_NESTING,
} from "x509/der";
import { parseTime } from "x509/time";
import { parseName } from "x509/dn";
import { X509Error } from "x509";

function bytes(hex) {
	const clean = hex.replace(/\s+/g, "");
	const out = new Uint8Array(clean.length / 2);
	for (let i = 0; i < out.length; i++)
		out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
	return out;
}

let failed = 0, count = 0;
function check(name, run, expected) {
	count++;
	let got;
	let ok;
	try {
		got = run();
		ok = typeof expected !== "object" || expected === null ? got === expected : JSON.stringify(got) === JSON.stringify(expected.value);
		if (typeof expected === "object" && expected !== null && expected.error !== undefined)
			ok = false;
	}
	catch (e) {
		got = { error: e.message, code: e.code ?? null, x509: e instanceof X509Error };
		ok = typeof expected === "object" && expected !== null && expected.error !== undefined &&
			e instanceof X509Error && e.code === "malformed" && e.message.startsWith("x509: ") && e.message.includes(expected.error);
	}
	if (!ok)
		failed++;
	trace(JSON.stringify({ name, ok, expected, got }) + "\n");
}
const fails = (error) => ({ error });
const value = (v) => ({ value: v });

function element(hex) {
	const r = new DERReader(bytes(hex), "test");
	const tag = r.skip();
	r.end();
	return [tag, r.contentEnd - r.contentStart];
}

// headers and lengths (X.690 8.1.3, 10.1)
check("short length", () => element("04 03 010203"), value([4, 3]));
check("long length 0x81 0x80", () => element("04 81 80" + "00".repeat(128)), value([4, 128]));
check("indefinite length", () => element("30 80 0000"), fails("indefinite length"));
check("0x81 with a short value", () => element("04 81 05 0102030405"), fails("shortest form"));
check("0x82 with a leading zero", () => element("04 82 0080" + "00".repeat(128)), fails("shortest form"));
check("length of 4 octets", () => element("04 84 00000001 00"), fails("length too large"));
check("high tag number", () => element("1f 81 00 00"), fails("high tag"));
check("length past the end", () => element("04 05 0102"), fails("length exceeds"));
check("truncated header", () => element("04"), fails("truncated"));
check("trailing bytes", () => element("05 00 00"), fails("unexpected bytes at the end"));
check("decodeHeader needs more", () => decodeHeader(bytes("30 82 01"), 0, 3, "t", {}), false);

// INTEGER (8.3.2)
check("integer 0", () => smallInteger(bytes("00"), "t"), 0);
check("integer 127", () => smallInteger(bytes("7f"), "t"), 127);
check("integer 128", () => smallInteger(bytes("0080"), "t"), 128);
check("integer with a needless 00", () => smallInteger(bytes("0001"), "t"), fails("shortest form"));
check("integer with a needless ff", () => checkInteger(bytes("ff80"), "t"), fails("shortest form"));
check("empty integer", () => checkInteger(bytes(""), "t"), fails("empty INTEGER"));
check("negative where a count is due", () => smallInteger(bytes("ff"), "t"), fails("negative"));
check("integer too large", () => smallInteger(bytes("0100000000"), "t"), fails("too large"));

// BOOLEAN, NULL (11.1, 8.8)
check("boolean ff", () => booleanValue(bytes("ff"), "t"), true);
check("boolean 00", () => booleanValue(bytes("00"), "t"), false);
check("boolean 01", () => booleanValue(bytes("01"), "t"), fails("BOOLEAN not 00 or FF"));
check("boolean of 2 bytes", () => booleanValue(bytes("ffff"), "t"), fails("BOOLEAN"));
check("null", () => { new DERReader(bytes("0500"), "t").readNull(); return true; }, true);
check("null with content", () => new DERReader(bytes("050100"), "t").readNull(), fails("NULL with content"));

// OBJECT IDENTIFIER (8.19)
check("oid 2.5.29.19", () => oidToString(bytes("551d13"), "t"), "2.5.29.19");
check("oid 1.2.840.113549.1.1.11", () => oidToString(bytes("2a864886f70d01010b"), "t"), "1.2.840.113549.1.1.11");
check("oid 2.999.3", () => oidToString(bytes("883703"), "t"), "2.999.3");
check("oid with a huge arc", () => oidToString(bytes("2a" + "8f".repeat(10) + "7f"), "t").startsWith("1.2."), true);
check("oid with a leading 0x80", () => oidToString(bytes("2a8001"), "t"), fails("shortest form"));
check("oid truncated", () => oidToString(bytes("2a86"), "t"), fails("truncated"));
check("empty oid", () => oidToString(bytes(""), "t"), fails("empty OBJECT IDENTIFIER"));

// BIT STRING (8.6, 11.2)
check("bit string", () => unusedBitCount(bytes("0680"), "t"), value(6));
check("bit string unused bits set", () => unusedBitCount(bytes("0681"), "t"), fails("unused bits not zero"));
check("bit string unused count 8", () => unusedBitCount(bytes("0800"), "t"), fails("unused-bit count"));
check("empty bit string with unused bits", () => unusedBitCount(bytes("01"), "t"), fails("unused-bit count"));
check("bit string without its count", () => unusedBitCount(bytes(""), "t"), fails("empty BIT STRING"));

// structure
check("enter a SEQUENCE and read it all", () => {
	const r = new DERReader(bytes("30 06 020101 020102"), "t");
	const s = r.enter(SEQUENCE);
	const a = s.readSmallInteger(), b = s.readSmallInteger();
	s.end();
	r.end();
	return a * 10 + b;
}, 12);
check("SEQUENCE with bytes left", () => {
	const s = new DERReader(bytes("30 06 020101 020102"), "t").enter(SEQUENCE);
	s.readSmallInteger();
	s.end();
}, fails("unexpected bytes at the end"));
check("inner length past its SEQUENCE", () => {
	const s = new DERReader(bytes("30 03 020201 00"), "t").enter(SEQUENCE);
	s.readSmallInteger();
}, fails("length exceeds"));
check("wrong tag", () => new DERReader(bytes("0400"), "t").expectContent(INTEGER, "serial"), fails("tag 0x04 where 0x02"));
check("missing element", () => new DERReader(bytes(""), "t").expectContent(NULL, "params"), fails("params: missing"));
check("primitive tag entered", () => new DERReader(bytes("0400"), "t").enter(OCTET_STRING), fails("not a constructed tag"));
check("nesting bound", () => {
	let hex = "0500";
	for (let i = 0; i <= MAX_NESTING + 1; i++) {
		const len = hex.length / 2;
		hex = "30" + (len < 128 ? len.toString(16).padStart(2, "0") : "81" + len.toString(16).padStart(2, "0")) + hex;
	}
	let r = new DERReader(bytes(hex), "t");
	for (;;) {
		if (r.peekTag() !== SEQUENCE) return "bottom";
		r = r.enter(SEQUENCE);
	}
}, fails("nested too deep"));

// times (RFC 5280 4.1.2.5)
const ascii = (s) => { const b = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i); return b; };
check("UTCTime 500101", () => parseTime(0x17, ascii("500101000000Z"), "t"), -631152000);
check("UTCTime 491231235959Z", () => parseTime(0x17, ascii("491231235959Z"), "t"), 2524607999);
check("GeneralizedTime 99991231235959Z", () => parseTime(0x18, ascii("99991231235959Z"), "t"), 253402300799);
check("UTCTime without seconds", () => parseTime(0x17, ascii("2601010000Z"), "t"), fails("YYMMDDHHMMSSZ"));
check("UTCTime with an offset", () => parseTime(0x17, ascii("260101000000+0100"), "t"), fails("YYMMDDHHMMSSZ"));
check("GeneralizedTime with fractions", () => parseTime(0x18, ascii("20260101000000.5Z"), "t"), fails("YYYYMMDDHHMMSSZ"));
check("UTCTime not Z", () => parseTime(0x17, ascii("2601010000000"), "t"), fails("time not in UTC"));
check("February 30", () => parseTime(0x17, ascii("260230000000Z"), "t"), fails("out of range"));
check("February 29 of a leap year", () => parseTime(0x18, ascii("20240229120000Z"), "t"), 1709208000);
check("hour 24", () => parseTime(0x17, ascii("260101240000Z"), "t"), fails("out of range"));
check("letters in a time", () => parseTime(0x17, ascii("26O101000000Z"), "t"), fails("not a DER time"));

// names
check("name with CN and O", () => {
	const n = parseName(bytes("301c310b300906035504030c024142310d300b060355040a0c0445786d70"), "t");
	return [n.commonName, n.organization];
}, value(["AB", "Exmp"]));
check("name with an empty RDN", () => parseName(bytes("30023100"), "t"), fails("empty RDN"));
check("name with a bad attribute", () => parseName(bytes("3006310430020500"), "t"), fails("tag 0x05 where 0x06"));

trace(JSON.stringify({ done: count, failed }) + "\n");
