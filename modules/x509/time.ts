/*
 * Certificate times (RFC 5280 4.1.2.5): UTCTime "YYMMDDHHMMSSZ" (YY 50-99 -> 19YY, 00-49 -> 20YY)
 * and GeneralizedTime "YYYYMMDDHHMMSSZ", exactly those forms: seconds present, no fractions, no
 * offsets, always Z. Values are seconds since 1970-01-01T00:00:00Z.
 * GeneralizedTime is accepted for any year (RFC 5280 asks for it only from 2050; OpenSSL and Go
 * accept it earlier too). 99991231235959Z, "no well-defined expiration date", is a normal value.
 */
import { malformed } from "./errors";
import { DERReader, UTC_TIME, GENERALIZED_TIME } from "./der";

function digits(content: Uint8Array, start: number, count: number, what: string): number {
	let value = 0;
	for (let i = start; i < start + count; i++) {
		const c = content[i] - 0x30;
		if (c < 0 || c > 9)
			throw malformed(`x509: ${what}: not a DER time`);
		value = value * 10 + c;
	}
	return value;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
	const y = month <= 2 ? year - 1 : year;
	const era = Math.floor(y / 400);
	const yoe = y - era * 400;
	const mp = (month + 9) % 12;
	const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
	if (month === 2)
		return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
	return (month === 4 || month === 6 || month === 9 || month === 11) ? 30 : 31;
}

/** Seconds since 1970 of a UTCTime or GeneralizedTime element's content: content[start .. end). */
export function parseTime(tag: number, content: Uint8Array, what: string, start = 0, end = content.length): number {
	let year: number, at: number;
	if (tag === UTC_TIME) {
		if (end - start !== 13)
			throw malformed(`x509: ${what}: UTCTime not in the form YYMMDDHHMMSSZ`);
		const yy = digits(content, start, 2, what);
		year = yy >= 50 ? 1900 + yy : 2000 + yy;
		at = start + 2;
	}
	else if (tag === GENERALIZED_TIME) {
		if (end - start !== 15)
			throw malformed(`x509: ${what}: GeneralizedTime not in the form YYYYMMDDHHMMSSZ`);
		year = digits(content, start, 4, what);
		at = start + 4;
	}
	else
		throw malformed(`x509: ${what}: not a UTCTime or GeneralizedTime`);
	if (content[end - 1] !== 0x5a)      // "Z"
		throw malformed(`x509: ${what}: time not in UTC (Z)`);
	const month = digits(content, at, 2, what);
	const day = digits(content, at + 2, 2, what);
	const hour = digits(content, at + 4, 2, what);
	const minute = digits(content, at + 6, 2, what);
	const second = digits(content, at + 8, 2, what);
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
		throw malformed(`x509: ${what}: time out of range`);
	return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second;
}

/** The next element of a reader as a time (the Validity fields), read in place. */
export function readTime(reader: DERReader, what: string): number {
	const tag = reader.skip(what);
	return parseTime(tag, reader.bytes, what, reader.contentStart, reader.contentEnd);
}

/** "2026-11-26T10:00:00Z" for messages. */
export function formatTime(seconds: number): string {
	const days = Math.floor(seconds / 86400);
	let rest = seconds - days * 86400;
	// civil from days (the inverse of daysFromCivil)
	const z = days + 719468;
	const era = Math.floor(z / 146097);
	const doe = z - era * 146097;
	const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
	const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
	const mp = Math.floor((5 * doy + 2) / 153);
	const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
	const hour = Math.floor(rest / 3600);
	rest -= hour * 3600;
	const minute = Math.floor(rest / 60);
	const second = rest - minute * 60;
	const two = (n: number) => (n < 10 ? "0" : "") + n;
	return `${year}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}Z`;
}
