// The CA store's build side (docs/X509.md, "CA store"), shared by tools/ca-build.mjs and
// tools/ca-select.mjs: reading root certificates (PEM or DER), turning each into the compact
// record that modules/x509/anchor.ts reads, and writing the index and bundle that
// modules/x509/castore.ts looks roots up in.
import { createHash, X509Certificate } from "node:crypto";
import { readFileSync, readdirSync, statSync, mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join, basename } from "node:path";

export const DEFAULT_SOURCE = "/usr/share/ca-certificates/mozilla";

// ---- DER: just enough to take certificates apart and to write records

/** The element at bytes[at]: { tag, start, contentStart, end } (definite lengths only). */
export function element(bytes, at = 0) {
  const tag = bytes[at];
  let length = bytes[at + 1];
  let contentStart = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error(`DER: unsupported length at ${at}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[at + 2 + i];
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > bytes.length) throw new Error(`DER: element at ${at} runs past the end`);
  return { tag, start: at, contentStart, end };
}

/** The children of a constructed element. */
export function children(bytes, parent) {
  const list = [];
  for (let at = parent.contentStart; at < parent.end;) {
    const child = element(bytes, at);
    list.push(child);
    at = child.end;
  }
  return list;
}

export function raw(bytes, e) {
  return bytes.subarray(e.start, e.end);
}

export function content(bytes, e) {
  return bytes.subarray(e.contentStart, e.end);
}

/** DER length octets */
function lengthBytes(n) {
  if (n < 0x80) return Buffer.from([n]);
  const out = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | out.length, ...out]);
}

/** Encodes tag + content. */
export function encode(tag, ...parts) {
  const body = Buffer.concat(parts.map((p) => Buffer.from(p)));
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

/** Dotted OID of an OID element's content. */
export function oid(contentBytes) {
  const arcs = [];
  let value = 0n;
  for (const b of contentBytes) {
    value = (value << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      if (arcs.length === 0) {
        const first = value < 80n ? value / 40n : 2n;
        arcs.push(first, value - first * 40n);
      } else arcs.push(value);
      value = 0n;
    }
  }
  return arcs.join(".");
}

// ---- certificates

const EXT_KEEP = new Set(["2.5.29.19", "2.5.29.15", "2.5.29.37", "2.5.29.30"]);

/** The DER certificates in a file: PEM (any number of CERTIFICATE blocks) or one DER. */
export function readCertificates(file) {
  const data = readFileSync(file);
  const text = data.toString("latin1");
  if (text.includes("-----BEGIN CERTIFICATE-----")) return pemCertificates(text);
  return [new Uint8Array(data)];
}

export function pemCertificates(text) {
  const out = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m; (m = re.exec(text));) out.push(new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ""), "base64")));
  return out;
}

/** The parts of a certificate that the store keeps, and what the tools need to know about it. */
export function dissect(der) {
  const cert = element(der);
  const [tbs] = children(der, cert);
  const fields = children(der, tbs);
  let i = 0;
  if (fields[0].tag === 0xa0) i++;
  const serial = fields[i];
  const issuer = fields[i + 2];
  const validity = fields[i + 3];
  const subject = fields[i + 4];
  const spki = fields[i + 5];
  const extensions = [];
  let ski;
  for (const f of fields.slice(i + 6)) {
    if (f.tag !== 0xa3) continue;
    for (const ext of children(der, children(der, f)[0])) {
      const parts = children(der, ext);
      const id = oid(content(der, parts[0]));
      const value = parts[parts.length - 1];
      if (id === "2.5.29.14") ski = content(der, element(der, value.contentStart));
      if (EXT_KEEP.has(id)) extensions.push(raw(der, ext));
    }
  }
  // a root without subjectKeyIdentifier gets none (empty): the verifier then does not compare key ids,
  // since its certificates' authorityKeyIdentifier may have been computed in any way
  if (ski === undefined) ski = new Uint8Array(0);
  return {
    der,
    serial: raw(der, serial),
    issuer: raw(der, issuer),
    subject: raw(der, subject),
    validity: raw(der, validity),
    spki: raw(der, spki),
    keyId: new Uint8Array(ski),
    extensions,
  };
}

export function sha256(bytes) {
  return createHash("sha256").update(bytes).digest();
}

/** The store id of a root: the first 4 bytes of SHA-256 of its certificate, hex. */
export function rootId(der) {
  return sha256(der).subarray(0, 4).toString("hex");
}

/** The record of anchor.ts (AnchorRecord). */
export function record(parts) {
  const fields = [encode(0x02, [1]), parts.serial, parts.subject, parts.validity, parts.spki, encode(0x04, parts.keyId)];
  if (parts.extensions.length) fields.push(encode(0xa0, encode(0x30, ...parts.extensions)));
  return encode(0x30, ...fields);
}

/** Why the verifier could not use this root (crypto core: RSA 2048-4096, EC P-256/P-384), or undefined. */
export function unusable(x509) {
  const key = x509.publicKey;
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === "rsa") {
    if (details.modulusLength < 2048 || details.modulusLength > 4096) return `RSA-${details.modulusLength}`;
    return undefined;
  }
  if (type === "ec") {
    if (details.namedCurve === "prime256v1" || details.namedCurve === "secp384r1") return undefined;
    return `EC ${details.namedCurve}`;
  }
  return type;
}

function attribute(x509Name, key) {
  const m = new RegExp(`(?:^|\\n)${key}=([^\\n]*)`).exec(x509Name);
  return m ? m[1] : undefined;
}

/** Reads the roots of `sources` (directories of .crt/.pem files, or files). */
export function loadRoots(sources) {
  const files = [];
  for (const source of sources) {
    if (statSync(source).isDirectory()) {
      for (const name of readdirSync(source).sort())
        if (/\.(crt|pem|der|cer)$/i.test(name)) files.push(join(source, name));
    } else files.push(source);
  }
  const roots = [];
  const skipped = [];
  const seen = new Set();
  for (const file of files) {
    for (const der of readCertificates(file)) {
      const x509 = new X509Certificate(der);
      const id = rootId(der);
      if (seen.has(id)) continue;
      seen.add(id);
      const reason = unusable(x509);
      const info = { id, file: basename(file), cn: attribute(x509.subject, "CN"), o: attribute(x509.subject, "O"), x509 };
      if (reason) skipped.push({ ...info, reason });
      else roots.push({ ...info, parts: dissect(der) });
    }
  }
  return { roots, skipped };
}

/**
 * Writes the store for `roots` into dir: ca-index.bin, ca-roots.bin (unless bundle: false),
 * roots/ca_<id>.bin (unless split: false), roots.json. Returns the sizes.
 */
export function writeStore(roots, dir, { bundle = true, split = true } = {}) {
  mkdirSync(dir, { recursive: true });
  const entries = roots.map((root) => {
    const rec = record(root.parts);
    return { root, rec, nameHash: sha256(root.parts.subject).readUInt32BE(0), id: parseInt(root.id, 16) };
  });
  entries.sort((a, b) => a.nameHash - b.nameHash || a.id - b.id);
  const header = Buffer.from([0x58, 0x35, 0x43, 0x52, 1, 0, 0, 0]);   // "X5CR"
  const index = Buffer.alloc(8 + entries.length * 16);
  index.write("X5CI", 0, "latin1");
  index[4] = 1;
  index.writeUInt16BE(entries.length, 6);
  const records = [];
  let offset = header.length;
  entries.forEach((entry, i) => {
    const at = 8 + i * 16;
    if (entry.rec.length > 0xffff) throw new Error(`ca: record of ${entry.root.id} too large`);
    index.writeUInt32BE(entry.nameHash, at);
    index.writeUInt32BE(entry.id, at + 4);
    index.writeUInt32BE(offset, at + 8);
    index.writeUInt16BE(entry.rec.length, at + 12);
    const keyId = entry.root.parts.keyId;
    index.writeUInt16BE(keyId.length >= 2 ? (keyId[0] << 8) | keyId[1] : 0, at + 14);
    records.push(entry.rec);
    offset += entry.rec.length;
  });
  writeFileSync(join(dir, "ca-index.bin"), index);
  const all = Buffer.concat([header, ...records]);
  if (bundle) writeFileSync(join(dir, "ca-roots.bin"), all);
  if (split) {
    mkdirSync(join(dir, "roots"), { recursive: true });
    for (const entry of entries) writeFileSync(join(dir, "roots", `ca_${entry.root.id}.bin`), entry.rec);
  }
  const list = entries.map(({ root, rec }) => ({
    id: root.id, cn: root.cn ?? null, o: root.o ?? null, file: root.file,
    sha256: root.x509.fingerprint256, notAfter: new Date(root.x509.validTo).toISOString(), recordBytes: rec.length,
  }));
  writeFileSync(join(dir, "roots.json"), JSON.stringify(list, null, 1) + "\n");
  return { count: entries.length, indexBytes: index.length, bundleBytes: all.length };
}

export function exists(path) {
  return existsSync(path);
}
