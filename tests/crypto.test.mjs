// The crypto core through its TypeScript facade, run in xsh (tests/xs/crypto/*.js):
//   - the symmetric API: FIPS 180 / RFC 4231 / RFC 5869 known answers, incremental and copied hash
//     state, AEAD in place with offsets, incremental open, tags, every error message;
//   - the public-key API against Node (OpenSSL): keys made here and read there as DER files,
//     signatures made on each side verified on the other, ECDH secrets compared both ways, the
//     exact errors for malformed keys, bad peer values and misuse;
//   - allocation faults: `xsh --native-fail N` over the native allocations of one X25519 key
//     agreement, one ECDSA P-256 verify, one RSA-2048 verify and one AES-GCM seal: each run must end
//     normally, having caught "crypto: out of memory" (or not failed at all), and leak nothing.
//     Walks with more than FAULT_BUDGET allocations are sampled (every N of the first and last
//     quarter of the budget, an odd stride in between); CRYPTO_FAULTS=all walks every N.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { runXsh, explain, repo } from "./lib/xsh.mjs";

const T = { timeout: 60000 };
const manifest = join(repo, "manifest.json");
const xsCrypto = join(repo, "tests", "xs", "crypto");

function runCrypto(module, args = [], options = []) {
  return runXsh(join(xsCrypto, module), args, { manifest, options });
}

/** n bytes (i * 7 + seed) & 255: pattern() of tests/xs/crypto/symmetric.js */
function pattern(n, seed = 3) {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255));
}
const hex = (b) => Buffer.from(b).toString("hex");
const fromHex = (s) => Buffer.from(s, "hex");
const ascii = (s) => Buffer.from(s, "latin1");
const range = (from, to) => Buffer.from(Array.from({ length: to - from + 1 }, (_, i) => from + i));
const err = (type, message) => ({ type, message });
const OOM = err("Error", "crypto: out of memory");

// ---------------------------------------------------------------------------------------------
// symmetric

let symmetricRun;
/** the sections printed by symmetric.js, by name */
async function symmetric(name) {
  symmetricRun ??= runCrypto("symmetric.js").then((r) => {
    assert.equal(r.code, 0, explain(r));
    const out = new Map();
    for (const line of r.lines) out.set(line.section, line);
    return { r, out };
  });
  const { r, out } = await symmetricRun;
  const line = out.get(name);
  assert.ok(line, `no section ${name}\n${explain(r)}`);
  assert.equal(line.error, undefined, `section ${name} threw: ${JSON.stringify(line.error)}\n${line.stack}`);
  return line.result;
}

const FIPS = {
  abc256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  abc384: "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
  empty256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  empty384: "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
  twoBlock256: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  twoBlock384: "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039",
  million256: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
  million384: "9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985",
};

test("hash: SHA-256 and SHA-384 known answers (FIPS 180-2: \"abc\", empty, two-block, a million \"a\")", T, async () => {
  const r = await symmetric("hash");
  assert.equal(r.abc256, FIPS.abc256);
  assert.equal(r.abc384, FIPS.abc384);
  assert.equal(r.empty256, FIPS.empty256);
  assert.equal(r.empty384, FIPS.empty384);
  assert.equal(r.twoBlock256, FIPS.twoBlock256);
  assert.equal(r.twoBlock384, FIPS.twoBlock384);
  assert.equal(r.million["SHA-256"], FIPS.million256);
  assert.equal(r.million["SHA-384"], FIPS.million384);
  assert.deepEqual(r.sizes, [32, 48, 64, 128, 32, 48]);
});

test("hash: offset and length count from a view's own start (string, Uint8Array, DataView)", T, async () => {
  const r = await symmetric("hash");
  for (const k of ["stringRange", "view", "dataView", "viewRange", "offsetToEnd"]) assert.equal(r[k], FIPS.abc256, k);
});

test("hash: updates in many pieces (ranges, views, single bytes) equal the one-shot digest and Node's", T, async () => {
  const r = await symmetric("incremental");
  const data = pattern(1000);
  for (const [alg, node] of [["SHA-256", "sha256"], ["SHA-384", "sha384"]]) {
    const expected = crypto.createHash(node).update(data).digest("hex");
    assert.equal(r[alg].oneShot, expected, alg);
    assert.equal(r[alg].ranges, expected, `${alg} ranges`);
    assert.equal(r[alg].views, expected, `${alg} views`);
    assert.equal(r[alg].bytes, expected, `${alg} bytes`);
  }
});

test("hash: peek() and clone() leave the state as it was; copyFrom() takes it; digest() and reset() start over", T, async () => {
  const r = await symmetric("state");
  assert.equal(r.peek1, FIPS.abc256);
  assert.equal(r.peek2, FIPS.abc256, "a second peek gives the same");
  assert.equal(r.digest1, FIPS.abc256, "digest after peeks");
  assert.equal(r.afterDigest, FIPS.empty256, "digest() starts over");
  assert.equal(r.forked, FIPS.abc256, "the clone kept \"ab\", not what the original hashed later");
  assert.equal(r.copied, FIPS.abc256, "copyFrom replaced the target's own state");
  assert.equal(r.sourceAfter, crypto.createHash("sha256").update("ab").digest("hex"), "copyFrom left the source alone");
  assert.equal(r.sourceThen, FIPS.abc256);
  assert.equal(r.reset, FIPS.abc256);
  // the transcript pattern: a peek after each message is the digest of everything so far
  let prefix = "";
  r.messages.forEach((m, i) => {
    prefix += m;
    assert.equal(r.peeks[i], crypto.createHash("sha384").update(prefix).digest("hex"), `peek ${i}`);
  });
  const mid = pattern(200);
  assert.equal(r.midLeft, crypto.createHash("sha384").update(mid).update("left").digest("hex"));
  assert.equal(r.midRight, crypto.createHash("sha384").update(mid).update("right").digest("hex"));
});

// RFC 4231 section 4.2 to 4.8 (case 5 is truncated to 128 bits)
const RFC4231 = [
  ["b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"],
  ["5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"],
  ["773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27"],
  ["82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb"],
  ["a3b6167473100ee06e0c796c2955552b", "3abf34c3503b2a23a46efc619baef897"],
  ["60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952"],
  ["9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e"],
];

test("HMAC: RFC 4231 test cases 1 to 7, SHA-256 and SHA-384", T, async () => {
  const r = await symmetric("hmac");
  assert.equal(r.cases.length, 7);
  RFC4231.forEach(([h256, h384], i) => {
    const truncated = i === 4;
    assert.equal(truncated ? r.cases[i]["SHA-256"].slice(0, 32) : r.cases[i]["SHA-256"], h256, `case ${i + 1} SHA-256`);
    assert.equal(truncated ? r.cases[i]["SHA-384"].slice(0, 32) : r.cases[i]["SHA-384"], h384, `case ${i + 1} SHA-384`);
    assert.equal(r.cases[i]["SHA-256"].length, 64, "hmac() returns the whole MAC");
    assert.equal(r.cases[i]["SHA-384"].length, 96);
  });
});

test("HMAC: incremental in pieces, again with the same key, strings; hmacVerify() and truncated tags", T, async () => {
  const r = await symmetric("hmac");
  assert.equal(r.incremental, RFC4231[6][1]);
  assert.equal(r.again, RFC4231[6][1], "digest() leaves the object ready for the next message");
  assert.equal(r.stringData, RFC4231[1][0]);
  assert.deepEqual(r.verify, {
    full256: true,
    full384: true,
    truncated256to16: true, // half the hash size is the floor (RFC 2104 section 5)
    truncated384to24: true,
    truncated256to15: false,
    truncated384to16: false, // RFC 4231 case 5's 128-bit SHA-384 tag is shorter than half
    flipped: false,
    tooLong: false,
    otherKey: false,
  });
});

// RFC 5869 A.1 to A.3
const RFC5869 = [
  { prk: "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", okm: "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865" },
  { prk: "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244", okm: "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87" },
  { prk: "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04", okm: "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8" },
];

test("HKDF: RFC 5869 test cases 1 to 3 (SHA-256), as hkdf() and as extract + expand", T, async () => {
  const r = await symmetric("hkdf");
  RFC5869.forEach(({ prk, okm }, i) => {
    assert.equal(r.cases[i].prk, prk, `case ${i + 1} PRK`);
    assert.equal(r.cases[i].okm, okm, `case ${i + 1} hkdf()`);
    assert.equal(r.cases[i].expand, okm, `case ${i + 1} expand`);
  });
  assert.equal(r.noSaltPrk, RFC5869[2].prk, "no salt = HashLen zeros = an empty salt");
  assert.equal(r.noSaltOkm, RFC5869[2].okm);
  assert.equal(r.noInfoExpand, RFC5869[2].okm);
});

test("HKDF: lengths 0 and 255 * HashLen; errors for longer, a short PRK, a negative length, another hash", T, async () => {
  const r = await symmetric("hkdf");
  assert.equal(r.zeroLength, 0);
  assert.equal(r.maxLength, 255 * 32);
  assert.equal(r.max384, 255 * 48);
  assert.deepEqual(r.errors, {
    tooLong: err("RangeError", "crypto: hkdf output too long"),
    tooLong384: err("RangeError", "crypto: hkdf output too long"),
    shortPrk: err("RangeError", "crypto: bad key size"),
    negative: err("RangeError", "crypto: bad length"),
    hash: err("RangeError", "crypto: unsupported hash"),
  });
});

const AEADS = [["AES-128-GCM", 16, "aes-128-gcm"], ["AES-256-GCM", 32, "aes-256-gcm"], ["CHACHA20-POLY1305", 32, "chacha20-poly1305"], ["AES-GCM", 24, "aes-192-gcm"]];

/** Node's ciphertext || tag */
function nodeSeal(cipher, key, nonce, aad, plaintext) {
  const c = crypto.createCipheriv(cipher, key, nonce, { authTagLength: 16 });
  if (aad) c.setAAD(aad);
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]).toString("hex");
}

test("AEAD: seal() in place at an offset of a view matches Node's cipher; open() in place restores; nothing else is touched", T, async () => {
  const r = await symmetric("aead");
  const nonce = pattern(12, 1), aad = pattern(13, 2);
  for (const [alg, size, cipher] of AEADS) {
    const a = r[alg];
    assert.equal(a.algorithm, alg);
    assert.equal(a.keySize, size);
    assert.equal(a.nonceSize, 12);
    const key = pattern(size, 5);
    for (const length of [0, 1, 15, 16, 17, 64, 100, 1000]) {
      const run = a.runs[length];
      const what = `${alg} ${length} bytes`;
      assert.equal(run.sealed, length + 16, what);
      assert.equal(run.sealedHex, nodeSeal(cipher, key, nonce, aad, pattern(length, 11)), what);
      assert.equal(run.guardsAfterSeal, true, `${what}: seal wrote outside its range`);
      assert.equal(run.opened, length, what);
      assert.equal(run.openedHex, hex(pattern(length, 11)), what);
      assert.equal(run.guardsAfterOpen, true, `${what}: open wrote outside its range`);
    }
    const expected100 = nodeSeal(cipher, key, nonce, aad, pattern(100, 11));
    assert.equal(a.encrypt, expected100, `${alg} encrypt()`);
    assert.equal(a.decrypt, hex(pattern(100, 11)), `${alg} decrypt()`);
    const noAad = nodeSeal(cipher, key, nonce, null, pattern(100, 11));
    assert.equal(a.aadUndefined, noAad, `${alg} aad undefined`);
    assert.equal(a.aadNull, noAad, `${alg} aad null`);
    assert.equal(a.aadEmpty, noAad, `${alg} aad empty`);
    assert.equal(a.dataView.sealedHex, nodeSeal(cipher, key, nonce, aad, pattern(33, 11)), `${alg} aad as a DataView`);
    assert.equal(a.dataView.openedHex, hex(pattern(33, 11)));
  }
  // GCM with other IV lengths (GHASH of the IV) agrees with OpenSSL
  for (const ivLength of [8, 60])
    assert.equal(r.gcmIv[ivLength], nodeSeal("aes-128-gcm", pattern(16, 5), pattern(ivLength, 1), aad, pattern(100, 11)), `GCM IV ${ivLength}`);
  assert.deepEqual(r.TAG_SIZE, [16, 16]);
});

test("AEAD: an incremental open in odd-sized chunks (and others, ranges and views) equals open()", T, async () => {
  const r = await symmetric("incrementalOpen");
  for (const [alg] of AEADS) {
    const a = r[alg];
    assert.equal(a.open, hex(pattern(1000, 11)), `${alg} open()`);
    for (const name of ["odd", "primes", "aroundBlocks", "blocks", "one", "allButOne", "whole"]) {
      assert.equal(a.opened[name], a.open, `${alg} chunks "${name}" (ranges)`);
      assert.equal(a.views[name], hex(pattern(100, 11)), `${alg} chunks "${name}" (views)`);
    }
    assert.equal(a.emptyFinish, null, `${alg}: start() then finish() opens an empty message`);
  }
});

test("AEAD: a flipped tag, ciphertext, AAD or nonce bit gives exactly \"crypto: bad tag\" and zeros", T, async () => {
  const r = await symmetric("badTag");
  const badTag = err("Error", "crypto: bad tag");
  const zeros = "00".repeat(50);
  for (const [alg] of AEADS) {
    const a = r[alg];
    for (const k of ["tagFirstBit", "tagLastBit", "ciphertextBit", "aadBit", "nonceBit"]) {
      assert.deepEqual(a[k].error, badTag, `${alg} ${k}`);
      assert.equal(a[k].plaintext, zeros, `${alg} ${k}: no unauthenticated plaintext is left`);
    }
    assert.deepEqual(a.truncated, badTag, `${alg}: one byte short`);
    assert.deepEqual(a.finishBad, badTag, `${alg}: incremental finish()`);
    assert.deepEqual(a.finishAgain, err("Error", "crypto: not started"), `${alg}: finish() after a failed finish()`);
    assert.equal(a.stillOpens, null, `${alg}: the object still opens the genuine record`);
  }
});

test("AEAD: wrong key and nonce sizes and the other misuses throw their exact errors", T, async () => {
  const r = await symmetric("aeadErrors");
  const keySize = err("RangeError", "crypto: bad key size");
  for (const k in r.keySize) assert.deepEqual(r.keySize[k], keySize, k);
  assert.equal(Object.keys(r.keySize).length, 7);
  const nonceSize = err("RangeError", "crypto: bad nonce size");
  for (const k in r.nonceSize) assert.deepEqual(r.nonceSize[k], nonceSize, k);
  assert.equal(Object.keys(r.nonceSize).length, 7);
  assert.deepEqual(r.algorithm, err("RangeError", "crypto: unsupported algorithm"));
  assert.deepEqual(r.bufferTooShort, err("RangeError", "crypto: buffer too short"));
  assert.deepEqual(r.bufferTooShortAtOffset, err("RangeError", "crypto: buffer too short"));
  assert.equal(r.sealFits, 54);
  assert.deepEqual(r.ciphertextTooShort, err("RangeError", "crypto: ciphertext too short"));
  assert.deepEqual(r.badOffset, err("RangeError", "crypto: bad offset"));
  assert.deepEqual(r.badLength, err("RangeError", "crypto: bad length"));
  const notStarted = err("Error", "crypto: not started");
  assert.deepEqual(r.updateNotStarted, notStarted);
  assert.deepEqual(r.finishNotStarted, notStarted);
  assert.deepEqual(r.abandonedBySeal, notStarted, "seal() abandons an incremental open");
  assert.deepEqual(r.abandonedByOpen, notStarted, "open() abandons an incremental open");
  assert.equal(r.restartedFinish, null, "start() begins again from scratch");
});

test("AES-CBC: round trips agree with Node; bad IV, key, ciphertext sizes and padding throw their errors", T, async () => {
  const r = await symmetric("cbc");
  for (const size of [16, 24, 32]) {
    for (const length of [0, 1, 15, 16, 17, 33]) {
      const c = crypto.createCipheriv(`aes-${size * 8}-cbc`, pattern(size, 9), pattern(16, 4));
      const expected = hex(Buffer.concat([c.update(pattern(length, 11)), c.final()]));
      assert.equal(r.roundTrips[`${size}/${length}`].ciphertext, expected, `${size}/${length}`);
      assert.equal(r.roundTrips[`${size}/${length}`].plaintext, hex(pattern(length, 11)));
    }
  }
  assert.deepEqual(r.errors, {
    ivSize: err("RangeError", "crypto: bad iv size"),
    ivSizeDecrypt: err("RangeError", "crypto: bad iv size"),
    keySize: err("RangeError", "crypto: bad key size"),
    ciphertextSize: err("RangeError", "crypto: bad ciphertext size"),
    ciphertextEmpty: err("RangeError", "crypto: bad ciphertext size"),
    padding: err("Error", "crypto: bad padding"),
  });
});

test("random: randomBytes() and fillRandom() fill what they should and only that; equal() compares contents and lengths", T, async () => {
  const r = await symmetric("random");
  assert.equal(r.a.length, 128);
  assert.notEqual(r.a, "00".repeat(64));
  assert.notEqual(r.a, r.b, "two draws differ");
  assert.equal(r.isArrayBuffer, true);
  assert.equal(r.zero, 0);
  assert.equal(r.filled.slice(0, 16), "aa".repeat(8), "before the range");
  assert.equal(r.filled.slice(48), "aa".repeat(16), "after the range");
  assert.notEqual(r.filled.slice(16, 48), "aa".repeat(16), "the range was filled");
  assert.equal(r.returned, true, "fillRandom returns its buffer");
  assert.equal(r.whole.length, 64);
  assert.notEqual(r.whole, "00".repeat(32), "a whole DataView");
  assert.ok(r.distinct >= 240, `4096 random bytes take only ${r.distinct} values`);
  assert.deepEqual(r.equal, {
    same: true, acrossTypes: true, empty: true, big: true,
    firstDiffers: false, lastDiffers: false, shorter: false, longer: false, emptyVsOne: false,
  });
  assert.deepEqual(r.errors, {
    negative: err("RangeError", "crypto: bad length"),
    tooShort: err("RangeError", "crypto: buffer too short"),
    offset: err("RangeError", "crypto: bad offset"),
  });
});

test("hash and HMAC errors: unsupported hash, algorithm mismatch, bad offset and length", T, async () => {
  const r = await symmetric("hashErrors");
  assert.deepEqual(r, {
    unsupported: err("RangeError", "crypto: unsupported hash"),
    unsupportedDigest: err("RangeError", "crypto: unsupported hash"),
    unsupportedHmac: err("RangeError", "crypto: unsupported hash"),
    mismatch: err("TypeError", "crypto: hash algorithm mismatch"),
    offset: err("RangeError", "crypto: bad offset"),
    negativeOffset: err("RangeError", "crypto: bad offset"),
    offsetType: err("TypeError", "crypto: bad offset"),
    tooShort: err("RangeError", "crypto: buffer too short"),
    length: err("RangeError", "crypto: bad length"),
    hmacTooShort: err("RangeError", "crypto: buffer too short"),
    offsetAtEnd: FIPS.empty256,
  });
});

test("closed Hash, HMAC and AEAD objects throw \"crypto: closed\" from every method; close() twice is fine", T, async () => {
  const r = await symmetric("closed");
  const closed = err("Error", "crypto: closed");
  for (const kind of ["hash", "hmac", "aead"]) {
    for (const method in r[kind]) {
      if (method === "closeTwice") assert.equal(r[kind][method], null, `${kind} close() twice`);
      else assert.deepEqual(r[kind][method], closed, `${kind}.${method}`);
    }
  }
  assert.equal(Object.keys(r.hash).length, 8);
  assert.equal(Object.keys(r.aead).length, 7);
});

// ---------------------------------------------------------------------------------------------
// DER, enough to make the malformed keys (checked against Node's own encodings first)

function derLength(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 255);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag, ...parts) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};
const seq = (...parts) => tlv(0x30, ...parts);
/** a DER INTEGER of an unsigned big-endian value (Buffer or bigint), minimal */
function int(value) {
  let b = typeof value === "bigint" ? bigBytes(value) : Buffer.from(value);
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  b = b.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}
function bigBytes(v, size = 0) {
  let s = v.toString(16);
  if (s.length & 1) s = "0" + s;
  const b = Buffer.from(s, "hex");
  return size > b.length ? Buffer.concat([Buffer.alloc(size - b.length), b]) : b;
}
const bigOf = (b) => BigInt("0x" + (Buffer.from(b).toString("hex") || "0"));
function oid(dotted) {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const groups = [];
    let v = n;
    do { groups.unshift(v & 0x7f); v = Math.floor(v / 128); } while (v > 0);
    groups.forEach((g, i) => out.push(i < groups.length - 1 ? g | 0x80 : g));
  }
  return tlv(0x06, Buffer.from(out));
}
const NULL = Buffer.from([0x05, 0x00]);
const bitString = (b, unused = 0) => tlv(0x03, Buffer.from([unused]), b);
const octets = (b) => tlv(0x04, b);
const OID = {
  rsa: "1.2.840.113549.1.1.1", rsaPss: "1.2.840.113549.1.1.10", ec: "1.2.840.10045.2.1",
  p256: "1.2.840.10045.3.1.7", p384: "1.3.132.0.34", x25519: "1.3.101.110",
};
const spkiEC = (curve, point) => seq(seq(oid(OID.ec), oid(curve)), bitString(point));
const rsaPublicKey = (n, e) => seq(int(n), int(e));
const spkiRSA = (n, e, params = NULL, algorithm = OID.rsa) => seq(seq(oid(algorithm), params), bitString(rsaPublicKey(n, e)));
const sec1 = (d, curve, point) => seq(int(1n), octets(d), tlv(0xa0, oid(curve)), ...(point ? [tlv(0xa1, bitString(point))] : []));
const b64u = (s) => Buffer.from(s, "base64url");
function rsaPrivateKey(j, version = 0, extra = []) {
  return seq(int(BigInt(version)), ...["n", "e", "d", "p", "q", "dp", "dq", "qi"].map((k) => int(b64u(j[k]))), ...extra);
}

const P256 = {
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
};
const P384_N = 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n;

/** EC: 04 || X || Y; X25519: u */
function rawPublic(key) {
  const j = key.export({ format: "jwk" });
  return j.kty === "OKP" ? b64u(j.x) : Buffer.concat([Buffer.from([4]), b64u(j.x), b64u(j.y)]);
}
/** a Node public KeyObject from a raw value */
function publicFromRaw(group, raw) {
  if (group === "x25519") return crypto.createPublicKey({ key: { kty: "OKP", crv: "X25519", x: raw.toString("base64url") }, format: "jwk" });
  const size = (raw.length - 1) / 2;
  const crv = group === "secp256r1" ? "P-256" : "P-384";
  return crypto.createPublicKey({
    key: { kty: "EC", crv, x: raw.subarray(1, 1 + size).toString("base64url"), y: raw.subarray(1 + size).toString("base64url") },
    format: "jwk",
  });
}
/** an ECDSA DER signature with the last byte of s changed (still strict DER) */
function forgeECDSA(der) {
  const b = Buffer.from(der);
  b[b.length - 1] ^= 1;
  return b;
}

// ---------------------------------------------------------------------------------------------
// key material made by Node, written as files for XS

let materialPromise;
let materialDir;
after(() => {
  if (materialDir) rmSync(materialDir, { recursive: true, force: true });
});

function material() {
  materialPromise ??= makeMaterial();
  return materialPromise;
}

async function makeMaterial() {
  const dir = mkdtempSync(join(tmpdir(), "securesocket-crypto-"));
  materialDir = dir;
  const generate = promisify(crypto.generateKeyPair);
  const [p256, p256peer, p384, p384peer, rsa2048, rsa3072, x25519, x25519peer, rsa1024, ed25519, p521, k256] = await Promise.all([
    generate("ec", { namedCurve: "P-256" }), generate("ec", { namedCurve: "P-256" }),
    generate("ec", { namedCurve: "P-384" }), generate("ec", { namedCurve: "P-384" }),
    generate("rsa", { modulusLength: 2048 }), generate("rsa", { modulusLength: 3072 }),
    generate("x25519"), generate("x25519"),
    generate("rsa", { modulusLength: 1024 }), generate("ed25519"),
    generate("ec", { namedCurve: "P-521" }), generate("ec", { namedCurve: "secp256k1" }),
  ]);
  const pairs = { p256, p256peer, p384, p384peer, rsa2048, rsa3072, x25519, x25519peer };
  const files = {};
  const put = (name, data) => {
    files[name] = Buffer.from(data);
    writeFileSync(join(dir, name), files[name]);
    return name;
  };
  const der = (key, type, extra = {}) => key.export({ format: "der", type, ...extra });
  const plan = { keys: {}, matches: [], verify: [], sign: [], ecdh: [], badKeys: [], badPeers: [], scalars: [] };
  const key = (id, file, format) => { plan.keys[id] = { file, format }; };

  for (const name of ["p256", "p256peer", "p384", "p384peer"]) {
    const { publicKey, privateKey } = pairs[name];
    key(`${name}.spki`, put(`${name}.spki.der`, der(publicKey, "spki")), "spki");
    key(`${name}.pkcs8`, put(`${name}.pkcs8.der`, der(privateKey, "pkcs8")), "private");
    key(`${name}.sec1`, put(`${name}.sec1.der`, der(privateKey, "sec1")), "private");
    put(`${name}.d`, b64u(privateKey.export({ format: "jwk" }).d));
    put(`${name}.pub`, rawPublic(publicKey));
  }
  // SEC1 without the optional public key: the point is computed
  key("p256.sec1-nopub", put("p256.sec1-nopub.der", sec1(files["p256.d"], OID.p256)), "private");
  for (const name of ["rsa2048", "rsa3072"]) {
    const { publicKey, privateKey } = pairs[name];
    key(`${name}.spki`, put(`${name}.spki.der`, der(publicKey, "spki")), "spki");
    key(`${name}.rsapub`, put(`${name}.rsapub.der`, der(publicKey, "pkcs1")), "rsapub");
    key(`${name}.pkcs8`, put(`${name}.pkcs8.der`, der(privateKey, "pkcs8")), "private");
    key(`${name}.pkcs1`, put(`${name}.pkcs1.der`, der(privateKey, "pkcs1")), "private");
  }
  for (const name of ["x25519", "x25519peer"]) {
    const { publicKey, privateKey } = pairs[name];
    key(`${name}.spki`, put(`${name}.spki.der`, der(publicKey, "spki")), "spki");
    put(`${name}.d`, b64u(privateKey.export({ format: "jwk" }).d));
    put(`${name}.pub`, rawPublic(publicKey));
  }

  plan.matches = [
    ["p256.pkcs8", "p256.spki", true], ["p256.sec1", "p256.spki", true], ["p256.sec1-nopub", "p256.spki", true],
    ["p256.spki", "p256.pkcs8", true], ["p384.pkcs8", "p384.spki", true], ["p384.sec1", "p384.spki", true],
    ["rsa2048.pkcs8", "rsa2048.spki", true], ["rsa2048.pkcs1", "rsa2048.spki", true], ["rsa2048.rsapub", "rsa2048.spki", true],
    ["rsa3072.pkcs1", "rsa3072.rsapub", true], ["x25519.spki", "x25519.spki", true],
    ["p256.spki", "p256peer.spki", false], ["p256.pkcs8", "p256peer.spki", false], ["p256.spki", "p384.spki", false],
    ["rsa2048.spki", "rsa3072.spki", false], ["rsa2048.pkcs8", "p256.spki", false], ["x25519.spki", "x25519peer.spki", false],
  ];
  const matchExpected = plan.matches.map((m) => m[2]);
  plan.matches = plan.matches.map(([a, b]) => [a, b]);

  // messages and Node's signatures
  const msg = crypto.randomBytes(517);
  put("msg.bin", msg);
  const tamperedMsg = Buffer.from(msg);
  tamperedMsg[0] ^= 1;
  put("msg.tampered", tamperedMsg);
  put("msg.sha256", crypto.createHash("sha256").update(msg).digest());
  put("msg.sha384", crypto.createHash("sha384").update(msg).digest());
  const PSS = crypto.constants.RSA_PKCS1_PSS_PADDING;
  const sign = (name, hash, privateKey, options = {}) => put(name, crypto.sign(hash, msg, { key: privateKey, ...options }));
  sign("ecdsa-p256-sha256.sig", "sha256", p256.privateKey);
  sign("ecdsa-p256-sha384.sig", "sha384", p256.privateKey);
  sign("ecdsa-p384-sha384.sig", "sha384", p384.privateKey);
  sign("ecdsa-p384-sha256.sig", "sha256", p384.privateKey);
  sign("ecdsa-p256-p1363.sig", "sha256", p256.privateKey, { dsaEncoding: "ieee-p1363" });
  put("ecdsa-p256-sha256.forged", forgeECDSA(files["ecdsa-p256-sha256.sig"]));
  put("ecdsa-p384-sha384.forged", forgeECDSA(files["ecdsa-p384-sha384.sig"]));
  sign("pkcs1-2048-sha256.sig", "sha256", rsa2048.privateKey);
  sign("pkcs1-2048-sha512.sig", "sha512", rsa2048.privateKey);
  sign("pkcs1-3072-sha384.sig", "sha384", rsa3072.privateKey);
  const forgedPkcs1 = Buffer.from(files["pkcs1-2048-sha256.sig"]);
  forgedPkcs1[forgedPkcs1.length - 1] ^= 1;
  put("pkcs1-2048-sha256.forged", forgedPkcs1);
  sign("pss-2048-sha256.sig", "sha256", rsa2048.privateKey, { padding: PSS, saltLength: 32 });
  sign("pss-3072-sha384.sig", "sha384", rsa3072.privateKey, { padding: PSS, saltLength: 48 });
  sign("pss-2048-sha256-salt0.sig", "sha256", rsa2048.privateKey, { padding: PSS, saltLength: 0 });
  sign("pss-2048-sha256-saltmax.sig", "sha256", rsa2048.privateKey, { padding: PSS, saltLength: crypto.constants.RSA_PSS_SALTLEN_MAX_SIGN });
  const forgedPss = Buffer.from(files["pss-2048-sha256.sig"]);
  forgedPss[100] ^= 0x40;
  put("pss-2048-sha256.forged", forgedPss);
  // hostile RSA signatures (native/rsa_public.c): the modulus itself and all ones (not below n), one
  // byte short or long, zero and one
  const n2048sig = b64u(rsa2048.publicKey.export({ format: "jwk" }).n);
  put("rsa2048-n.sig", n2048sig);
  put("rsa2048-ff.sig", Buffer.alloc(256, 0xFF));
  put("pkcs1-2048-sha256.short", files["pkcs1-2048-sha256.sig"].subarray(1));
  put("pkcs1-2048-sha256.long", Buffer.concat([Buffer.from([0]), files["pkcs1-2048-sha256.sig"]]));
  put("rsa2048-zero.sig", Buffer.alloc(256));
  put("rsa2048-one.sig", Buffer.concat([Buffer.alloc(255), Buffer.from([1])]));

  // [id, alg, key, hash, sig, expected, extra]
  const V = (id, alg, keyId, hash, sig, expected, extra = {}) => plan.verify.push({ id, alg, key: keyId, hash, sig, msg: "msg.bin", expected, ...extra });
  V("ecdsa-p256-sha256", "ecdsa", "p256.spki", "SHA-256", "ecdsa-p256-sha256.sig", true);
  V("ecdsa-p256-sha256 with the private key", "ecdsa", "p256.pkcs8", "SHA-256", "ecdsa-p256-sha256.sig", true);
  V("ecdsa-p256-sha384", "ecdsa", "p256.spki", "SHA-384", "ecdsa-p256-sha384.sig", true);
  V("ecdsa-p384-sha384", "ecdsa", "p384.spki", "SHA-384", "ecdsa-p384-sha384.sig", true);
  V("ecdsa-p384-sha256", "ecdsa", "p384.spki", "SHA-256", "ecdsa-p384-sha256.sig", true);
  V("ecdsa-p256 prehashed", "ecdsa", "p256.spki", "SHA-256", "ecdsa-p256-sha256.sig", true, { msg: "msg.sha256", prehashed: true });
  V("ecdsa-p384 prehashed", "ecdsa", "p384.spki", "SHA-384", "ecdsa-p384-sha384.sig", true, { msg: "msg.sha384", prehashed: true });
  V("ecdsa_secp256r1_sha256", "scheme", "p256.spki", null, "ecdsa-p256-sha256.sig", true, { scheme: 0x0403 });
  V("ecdsa_secp384r1_sha384", "scheme", "p384.spki", null, "ecdsa-p384-sha384.sig", true, { scheme: 0x0503 });
  V("ecdsa-p256 s changed", "ecdsa", "p256.spki", "SHA-256", "ecdsa-p256-sha256.forged", false);
  V("ecdsa-p256 message changed", "ecdsa", "p256.spki", "SHA-256", "ecdsa-p256-sha256.sig", false, { msg: "msg.tampered" });
  V("ecdsa-p256 other key", "ecdsa", "p256peer.spki", "SHA-256", "ecdsa-p256-sha256.sig", false);
  V("ecdsa-p256 other hash", "ecdsa", "p256.spki", "SHA-384", "ecdsa-p256-sha256.sig", false);
  V("ecdsa-p256 IEEE P1363 (not DER)", "ecdsa", "p256.spki", "SHA-256", "ecdsa-p256-p1363.sig", false);
  V("ecdsa-p384 signature, P-256 key", "ecdsa", "p256.spki", "SHA-384", "ecdsa-p384-sha384.sig", false);
  V("ecdsa-p256 prehashed digest of something else", "ecdsa", "p256.spki", "SHA-256", "ecdsa-p256-sha256.sig", false, { msg: "msg.sha256", msgHex: hex(crypto.createHash("sha256").update(tamperedMsg).digest()), prehashed: true });
  V("pkcs1-2048-sha256", "pkcs1", "rsa2048.spki", "SHA-256", "pkcs1-2048-sha256.sig", true);
  V("pkcs1-2048-sha256 RSAPublicKey", "pkcs1", "rsa2048.rsapub", "SHA-256", "pkcs1-2048-sha256.sig", true);
  V("pkcs1-2048-sha256 with the private key", "pkcs1", "rsa2048.pkcs1", "SHA-256", "pkcs1-2048-sha256.sig", true);
  V("pkcs1-2048-sha512", "pkcs1", "rsa2048.spki", "SHA-512", "pkcs1-2048-sha512.sig", true);
  V("pkcs1-3072-sha384", "pkcs1", "rsa3072.spki", "SHA-384", "pkcs1-3072-sha384.sig", true);
  V("pkcs1-2048 prehashed", "pkcs1", "rsa2048.spki", "SHA-256", "pkcs1-2048-sha256.sig", true, { msg: "msg.sha256", prehashed: true });
  V("rsa_pkcs1_sha256", "scheme", "rsa2048.spki", null, "pkcs1-2048-sha256.sig", true, { scheme: 0x0401 });
  V("rsa_pkcs1_sha512", "scheme", "rsa2048.spki", null, "pkcs1-2048-sha512.sig", true, { scheme: 0x0601 });
  V("pkcs1-2048 last byte changed", "pkcs1", "rsa2048.spki", "SHA-256", "pkcs1-2048-sha256.forged", false);
  V("pkcs1-2048 message changed", "pkcs1", "rsa2048.spki", "SHA-256", "pkcs1-2048-sha256.sig", false, { msg: "msg.tampered" });
  V("pkcs1-2048 other hash", "pkcs1", "rsa2048.spki", "SHA-384", "pkcs1-2048-sha256.sig", false);
  V("pkcs1-2048 signature, 3072-bit key", "pkcs1", "rsa3072.spki", "SHA-256", "pkcs1-2048-sha256.sig", false);
  V("pkcs1-2048 signature as PSS", "pss", "rsa2048.spki", "SHA-256", "pkcs1-2048-sha256.sig", false);
  V("pss-2048-sha256", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256.sig", true);
  V("pss-2048-sha256 salt 32", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256.sig", true, { saltLength: 32 });
  V("pss-2048-sha256 any salt", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256.sig", true, { saltLength: -1 });
  V("pss-2048-sha256 salt 20 expected", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256.sig", false, { saltLength: 20 });
  V("pss-2048 prehashed", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256.sig", true, { msg: "msg.sha256", prehashed: true });
  V("rsa_pss_rsae_sha256", "scheme", "rsa2048.spki", null, "pss-2048-sha256.sig", true, { scheme: 0x0804 });
  V("pss-3072-sha384", "pss", "rsa3072.spki", "SHA-384", "pss-3072-sha384.sig", true);
  V("rsa_pss_rsae_sha384", "scheme", "rsa3072.spki", null, "pss-3072-sha384.sig", true, { scheme: 0x0805 });
  V("pss salt 0", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256-salt0.sig", true, { saltLength: 0 });
  V("pss salt 0, any salt", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256-salt0.sig", true, { saltLength: -1 });
  V("pss salt 0, hash-length salt expected", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256-salt0.sig", false);
  V("pss salt 222, any salt", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256-saltmax.sig", true, { saltLength: -1 });
  V("pss salt 222", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256-saltmax.sig", true, { saltLength: 222 });
  V("pss salt 222, hash-length salt expected", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256-saltmax.sig", false);
  V("pss-2048 bit changed", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256.forged", false);
  V("pss-2048 message changed", "pss", "rsa2048.spki", "SHA-256", "pss-2048-sha256.sig", false, { msg: "msg.tampered" });
  V("pss-2048 signature as PKCS#1", "pkcs1", "rsa2048.spki", "SHA-256", "pss-2048-sha256.sig", false);
  V("pss-2048 signature as rsa_pss_rsae_sha384", "scheme", "rsa2048.spki", null, "pss-2048-sha256.sig", false, { scheme: 0x0805 });
  for (const alg of ["pkcs1", "pss"]) {
    V(`${alg}-2048 signature = n`, alg, "rsa2048.spki", "SHA-256", "rsa2048-n.sig", false);
    V(`${alg}-2048 signature of all ones (> n)`, alg, "rsa2048.spki", "SHA-256", "rsa2048-ff.sig", false);
    V(`${alg}-2048 signature one byte short`, alg, "rsa2048.spki", "SHA-256", "pkcs1-2048-sha256.short", false);
    V(`${alg}-2048 signature with a leading zero byte more`, alg, "rsa2048.spki", "SHA-256", "pkcs1-2048-sha256.long", false);
    V(`${alg}-2048 signature 0`, alg, "rsa2048.spki", "SHA-256", "rsa2048-zero.sig", false);
    V(`${alg}-2048 signature 1`, alg, "rsa2048.spki", "SHA-256", "rsa2048-one.sig", false);
  }

  // signatures made in XS: [id, alg, key, public, hash, extra] -> how Node checks them
  const S = (id, alg, keyId, publicId, hash, nodeCheck, extra = {}) => plan.sign.push({ id, alg, key: keyId, public: publicId, hash, msg: "msg.bin", nodeCheck, ...extra });
  S("ecdsa-p256-sha256", "ecdsa", "p256.pkcs8", "p256.spki", "SHA-256", { hash: "sha256", key: "p256" });
  S("ecdsa-p256-sha256 again", "ecdsa", "p256.pkcs8", "p256.spki", "SHA-256", { hash: "sha256", key: "p256" });
  S("ecdsa-p256-sha384 (SEC1 key)", "ecdsa", "p256.sec1", "p256.spki", "SHA-384", { hash: "sha384", key: "p256" });
  S("ecdsa-p256-sha256 (SEC1 key without public)", "ecdsa", "p256.sec1-nopub", "p256.spki", "SHA-256", { hash: "sha256", key: "p256" });
  S("ecdsa-p384-sha384", "ecdsa", "p384.pkcs8", "p384.spki", "SHA-384", { hash: "sha384", key: "p384" });
  S("ecdsa-p384-sha256 (SEC1 key)", "ecdsa", "p384.sec1", "p384.spki", "SHA-256", { hash: "sha256", key: "p384" });
  S("ecdsa-p256 prehashed", "ecdsa", "p256.pkcs8", "p256.spki", "SHA-256", { hash: "sha256", key: "p256" }, { msg: "msg.sha256", prehashed: true });
  S("ecdsa_secp256r1_sha256", "scheme", "p256.pkcs8", "p256.spki", null, { hash: "sha256", key: "p256" }, { scheme: 0x0403 });
  S("ecdsa_secp384r1_sha384", "scheme", "p384.pkcs8", "p384.spki", null, { hash: "sha384", key: "p384" }, { scheme: 0x0503 });
  S("pkcs1-2048-sha256", "pkcs1", "rsa2048.pkcs8", "rsa2048.spki", "SHA-256", { hash: "sha256", key: "rsa2048", same: "pkcs1-2048-sha256.sig" });
  S("pkcs1-2048-sha256 (PKCS#1 key)", "pkcs1", "rsa2048.pkcs1", "rsa2048.spki", "SHA-256", { hash: "sha256", key: "rsa2048", same: "pkcs1-2048-sha256.sig" });
  S("pkcs1-3072-sha384", "pkcs1", "rsa3072.pkcs1", "rsa3072.spki", "SHA-384", { hash: "sha384", key: "rsa3072", same: "pkcs1-3072-sha384.sig" });
  S("rsa_pkcs1_sha256", "scheme", "rsa2048.pkcs8", "rsa2048.spki", null, { hash: "sha256", key: "rsa2048", same: "pkcs1-2048-sha256.sig" }, { scheme: 0x0401 });
  S("pss-2048-sha256 salt 32", "pss", "rsa2048.pkcs8", "rsa2048.spki", "SHA-256", { hash: "sha256", key: "rsa2048", saltLength: 32 }, { saltLength: 32 });
  S("pss-2048-sha256 default salt", "pss", "rsa2048.pkcs1", "rsa2048.spki", "SHA-256", { hash: "sha256", key: "rsa2048", saltLength: 32 });
  S("pss-2048-sha256 prehashed", "pss", "rsa2048.pkcs8", "rsa2048.spki", "SHA-256", { hash: "sha256", key: "rsa2048", saltLength: 32 }, { msg: "msg.sha256", prehashed: true });
  S("pss-2048-sha256 salt 0", "pss", "rsa2048.pkcs8", "rsa2048.spki", "SHA-256", { hash: "sha256", key: "rsa2048", saltLength: 0 }, { saltLength: 0 });
  S("pss-3072-sha384", "pss", "rsa3072.pkcs8", "rsa3072.spki", "SHA-384", { hash: "sha384", key: "rsa3072", saltLength: 48 });
  S("rsa_pss_rsae_sha256", "scheme", "rsa2048.pkcs8", "rsa2048.spki", null, { hash: "sha256", key: "rsa2048", saltLength: 32 }, { scheme: 0x0804 });

  // ECDH: pairs made in XS, and pairs from Node's private keys
  const groups = { x25519: ["x25519", "x25519peer"], secp256r1: ["p256", "p256peer"], secp384r1: ["p384", "p384peer"] };
  for (const group in groups) {
    const [mine, peer] = groups[group];
    plan.ecdh.push({ id: `${group} new pair`, group, peer: `${peer}.pub`, peerKey: `${peer}.spki` });
    plan.ecdh.push({ id: `${group} from Node's private key`, group, private: `${mine}.d`, peer: `${peer}.pub`, peerKey: `${peer}.spki` });
  }

  // bad peer values: [id, group, peer bytes, private file, expected error]
  const pub256 = files["p256peer.pub"], pub384 = files["p384peer.pub"];
  const offCurve = (pub) => { const b = Buffer.from(pub); b[b.length - 1] ^= 1; return b; };
  const compressed = (pub) => Buffer.concat([Buffer.from([2 | (pub[pub.length - 1] & 1)]), pub.subarray(1, 1 + (pub.length - 1) / 2)]);
  const badPoint = err("Error", "crypto: bad point");
  const zeroSecret = err("Error", "crypto: zero shared secret");
  const unsupportedFormat = err("Error", "crypto: unsupported point format");
  const P = (id, group, peer, expected, extra = {}) => plan.badPeers.push({ id, group, peerHex: peer === null ? undefined : hex(peer), expected,
    private: group === "x25519" ? "x25519.d" : group === "secp256r1" ? "p256.d" : "p384.d", ...extra });
  P("P-256 point not on the curve", "secp256r1", offCurve(pub256), badPoint);
  P("P-256 compressed point", "secp256r1", compressed(pub256), unsupportedFormat);
  P("P-256 hybrid point (06)", "secp256r1", Buffer.concat([Buffer.from([6 | (pub256[64] & 1)]), pub256.subarray(1)]), badPoint);
  P("P-256 X || Y without 04", "secp256r1", pub256.subarray(1), badPoint);
  P("P-256 point and a byte more", "secp256r1", Buffer.concat([pub256, Buffer.from([0])]), badPoint);
  P("P-256 point at infinity (00)", "secp256r1", Buffer.from([0]), badPoint);
  P("P-256 empty", "secp256r1", Buffer.alloc(0), badPoint);
  P("P-256 x = p", "secp256r1", Buffer.concat([Buffer.from([4]), bigBytes(P256.p, 32), pub256.subarray(33)]), badPoint);
  P("P-256 given a P-384 point", "secp256r1", pub384, badPoint);
  P("P-384 point not on the curve", "secp384r1", offCurve(pub384), badPoint);
  P("P-384 compressed point", "secp384r1", compressed(pub384), unsupportedFormat);
  P("P-384 given a P-256 point", "secp384r1", pub256, badPoint);
  P("X25519 u = 0", "x25519", Buffer.alloc(32), zeroSecret);
  P("X25519 u = 1", "x25519", Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]), zeroSecret);
  P("X25519 point of order 8", "x25519", fromHex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"), zeroSecret);
  P("X25519 u = p (non-canonical 0)", "x25519", fromHex("ed" + "ff".repeat(30) + "7f"), zeroSecret);
  P("X25519 31 bytes", "x25519", files["x25519peer.pub"].subarray(1), badPoint);
  P("X25519 33 bytes", "x25519", Buffer.concat([files["x25519peer.pub"], Buffer.from([0])]), badPoint);
  P("P-256 pair given a P-384 Key", "secp256r1", null, err("Error", "crypto: wrong curve"), { peerKey: "p384.spki" });
  P("X25519 pair given a P-256 Key", "x25519", null, err("Error", "crypto: wrong curve"), { peerKey: "p256.spki" });

  // private scalars: [id, group, bytes, expected error or null]; a NIST scalar is a big-endian integer, so
  // shorter is fine (what it means with leading zeros), longer than the field is not
  const badKey = err("Error", "crypto: bad key");
  const Z = (id, group, privateKey, expected) => plan.scalars.push({ id, group, privateHex: hex(privateKey), expected,
    peerHex: hex(group === "x25519" ? files["x25519peer.pub"] : group === "secp256r1" ? pub256 : pub384) });
  Z("P-256 scalar 0", "secp256r1", Buffer.alloc(32), badKey);
  Z("P-256 scalar n", "secp256r1", bigBytes(P256.n, 32), badKey);
  Z("P-256 scalar n + 1", "secp256r1", bigBytes(P256.n + 1n, 32), badKey);
  Z("P-256 scalar n - 1", "secp256r1", bigBytes(P256.n - 1n, 32), null);
  Z("P-256 scalar of 31 bytes", "secp256r1", Buffer.alloc(31, 0x5a), null);
  Z("P-256 scalar of 33 bytes, a leading zero", "secp256r1", Buffer.concat([Buffer.alloc(1), files["p256.d"]]), null);
  Z("P-256 scalar of 33 bytes", "secp256r1", Buffer.alloc(33, 1), badKey);
  Z("P-256 empty scalar", "secp256r1", Buffer.alloc(0), badKey);
  Z("P-384 scalar 0", "secp384r1", Buffer.alloc(48), badKey);
  Z("P-384 scalar n", "secp384r1", bigBytes(P384_N, 48), badKey);
  Z("P-384 scalar of 49 bytes", "secp384r1", Buffer.alloc(49, 1), badKey);
  Z("X25519 private key of 31 bytes", "x25519", Buffer.alloc(31, 1), badKey);
  Z("X25519 private key of 33 bytes", "x25519", Buffer.alloc(33, 1), badKey);

  // malformed and unsupported keys: [id, format, der, expected]
  const rsaJwk = rsa2048.privateKey.export({ format: "jwk" });
  const n2048 = b64u(rsaJwk.n);
  const spki256 = files["p256.spki.der"];
  const p256Point = files["p256.pub"];
  const unsupportedType = err("Error", "crypto: unsupported key type");
  const unsupportedCurve = err("Error", "crypto: unsupported curve");
  const B = (id, format, derBytes, expected) => plan.badKeys.push({ id, format, derHex: hex(derBytes), expected });
  B("empty", "spki", Buffer.alloc(0), badKey);
  B("SPKI one byte short", "spki", spki256.subarray(0, -1), badKey);
  B("SPKI and a byte more", "spki", Buffer.concat([spki256, Buffer.from([0])]), badKey);
  B("SPKI with a long-form length (not DER)", "spki", Buffer.concat([Buffer.from([0x30, 0x81, spki256[1]]), spki256.subarray(2)]), badKey);
  B("SPKI with an indefinite length (BER)", "spki", Buffer.concat([Buffer.from([0x30, 0x80]), spki256.subarray(2), Buffer.from([0, 0])]), badKey);
  B("SPKI as a private key", "private", spki256, badKey);
  B("PKCS#8 as an SPKI", "spki", files["p256.pkcs8.der"], badKey);
  B("SEC1 as an SPKI", "spki", files["p256.sec1.der"], badKey);
  B("RSA SPKI as an RSAPublicKey", "rsapub", files["rsa2048.spki.der"], badKey);
  B("RSAPublicKey as an SPKI", "spki", files["rsa2048.rsapub.der"], badKey);
  B("P-521 SPKI", "spki", der(p521.publicKey, "spki"), unsupportedCurve);
  B("P-521 PKCS#8", "private", der(p521.privateKey, "pkcs8"), unsupportedCurve);
  B("P-521 SEC1", "private", der(p521.privateKey, "sec1"), unsupportedCurve);
  B("secp256k1 SPKI", "spki", der(k256.publicKey, "spki"), unsupportedCurve);
  B("EC SPKI without a curve", "spki", seq(seq(oid(OID.ec)), bitString(p256Point)), badKey);
  B("Ed25519 SPKI", "spki", der(ed25519.publicKey, "spki"), unsupportedType);
  B("Ed25519 PKCS#8", "private", der(ed25519.privateKey, "pkcs8"), unsupportedType);
  B("X25519 PKCS#8", "private", der(x25519.privateKey, "pkcs8"), unsupportedType);
  B("encrypted PKCS#8", "private", der(p256.privateKey, "pkcs8", { cipher: "aes-128-cbc", passphrase: "secret" }), unsupportedType);
  B("RSA-1024 SPKI", "spki", der(rsa1024.publicKey, "spki"), err("Error", "crypto: key too small"));
  B("RSA-1024 RSAPublicKey", "rsapub", der(rsa1024.publicKey, "pkcs1"), err("Error", "crypto: key too small"));
  B("RSA-1024 PKCS#8", "private", der(rsa1024.privateKey, "pkcs8"), err("Error", "crypto: key too small"));
  B("RSA-4104 SPKI", "spki", spkiRSA((1n << 4103n) + 0x10001n * 2n + 1n, 65537n), err("Error", "crypto: key too large"));
  B("P-256 SPKI, compressed point", "spki", spkiEC(OID.p256, compressed(p256Point)), unsupportedFormat);
  B("P-256 SPKI, point not on the curve", "spki", spkiEC(OID.p256, offCurve(p256Point)), badPoint);
  B("P-256 SPKI, point one byte short", "spki", spkiEC(OID.p256, p256Point.subarray(0, -1)), badPoint);
  B("P-256 SPKI, a P-384 point", "spki", spkiEC(OID.p256, files["p384.pub"]), badPoint);
  B("RSA even exponent", "rsapub", rsaPublicKey(n2048, 65536n), badKey);
  B("RSA exponent 1", "rsapub", rsaPublicKey(n2048, 1n), badKey);
  const evenN = Buffer.from(n2048);
  evenN[evenN.length - 1] &= 0xFE;
  B("RSA even modulus", "rsapub", rsaPublicKey(evenN, 65537n), badKey);
  B("RSA even modulus SPKI", "spki", spkiRSA(evenN, 65537n), badKey);
  B("RSA modulus 0", "rsapub", rsaPublicKey(Buffer.from([0]), 65537n), badKey);
  B("RSA exponent of 33 bits", "rsapub", rsaPublicKey(n2048, (1n << 32n) + 1n), badKey);
  B("RSA negative modulus", "rsapub", seq(tlv(0x02, n2048), int(65537n)), badKey);
  B("RSA exponent not minimal", "rsapub", seq(int(n2048), tlv(0x02, Buffer.from([0, 1, 0, 1]))), badKey);
  B("RSA SPKI without NULL parameters", "spki", seq(seq(oid(OID.rsa)), bitString(rsaPublicKey(n2048, 65537n))), badKey);
  B("RSASSA-PSS SPKI", "spki", spkiRSA(n2048, 65537n, seq(), OID.rsaPss), unsupportedType);
  const badP = { ...rsaJwk, p: (bigBytes(bigOf(b64u(rsaJwk.p)) + 2n)).toString("base64url") };
  B("RSA private key with p changed (p q != n)", "private", rsaPrivateKey(badP), badKey);
  B("RSA private key, two-prime with version 1", "private", rsaPrivateKey(rsaJwk, 1), unsupportedType);
  B("RSA private key, multi-prime", "private", rsaPrivateKey(rsaJwk, 1, [seq(seq(int(3n), int(1n), int(1n)))]), unsupportedType);
  B("EC private key 0", "private", sec1(Buffer.alloc(32), OID.p256), badKey);
  B("EC private key n", "private", sec1(bigBytes(P256.n, 32), OID.p256), badKey);
  B("X25519 SPKI with NULL parameters", "spki", seq(seq(oid(OID.x25519), NULL), bitString(files["x25519.pub"])), badKey);
  B("X25519 SPKI of 31 bytes", "spki", seq(seq(oid(OID.x25519)), bitString(files["x25519.pub"].subarray(1))), badPoint);

  plan.roles = { ec: "p256.spki", ecPrivate: "p256.pkcs8", rsa: "rsa2048.spki", rsaPrivate: "rsa2048.pkcs8", x25519: "x25519.spki" };
  plan.message = "msg.bin";
  put("plan.json", JSON.stringify(plan));

  // what our DER encoder makes of Node's own keys must be Node's encodings, byte for byte
  const p256Jwk = p256.privateKey.export({ format: "jwk" });
  const derCheck = {
    spkiEC: [hex(spkiEC(OID.p256, p256Point)), hex(spki256)],
    sec1: [hex(sec1(b64u(p256Jwk.d), OID.p256, p256Point)), hex(files["p256.sec1.der"])],
    rsaPublicKey: [hex(rsaPublicKey(n2048, bigOf(b64u(rsaJwk.e)))), hex(files["rsa2048.rsapub.der"])],
    spkiRSA: [hex(spkiRSA(n2048, bigOf(b64u(rsaJwk.e)))), hex(files["rsa2048.spki.der"])],
    rsaPrivateKey: [hex(rsaPrivateKey(rsaJwk)), hex(files["rsa2048.pkcs1.der"])],
    x25519: [hex(seq(seq(oid(OID.x25519)), bitString(files["x25519.pub"]))), hex(files["x25519.spki.der"])],
  };
  return { dir, files, pairs, plan, matchExpected, derCheck };
}

let publicKeyRun;
/** the sections printed by publickey.js, with the material */
async function publicKey(name) {
  publicKeyRun ??= material().then(async (m) => {
    const r = await runCrypto("publickey.js", [m.dir]);
    assert.equal(r.code, 0, explain(r));
    const out = new Map();
    for (const line of r.lines) out.set(line.section, line);
    return { r, out, m };
  });
  const { r, out, m } = await publicKeyRun;
  const line = out.get(name);
  assert.ok(line, `no section ${name}\n${explain(r)}`);
  assert.equal(line.error, undefined, `section ${name} threw: ${JSON.stringify(line.error)}\n${line.stack}`);
  return { result: line.result, m };
}

test("keys: the DER this test makes by hand is Node's own encoding of the same keys", T, async () => {
  const { derCheck } = await material();
  for (const k in derCheck) assert.equal(derCheck[k][0], derCheck[k][1], k);
});

test("keys: Node's EC, RSA and X25519 keys (SPKI, RSAPublicKey, PKCS#8, SEC1, PKCS#1) parse with their type, bits, curve and point", T, async () => {
  const { result, m } = await publicKey("keys");
  const raw = (name) => hex(m.files[`${name}.pub`]);
  const expected = {};
  for (const [name, bits, curve] of [["p256", 256, "secp256r1"], ["p256peer", 256, "secp256r1"], ["p384", 384, "secp384r1"], ["p384peer", 384, "secp384r1"]]) {
    expected[`${name}.spki`] = { type: "ec", bits, curve, isPrivate: false, point: raw(name) };
    expected[`${name}.pkcs8`] = { type: "ec", bits, curve, isPrivate: true, point: raw(name) };
    expected[`${name}.sec1`] = { type: "ec", bits, curve, isPrivate: true, point: raw(name) };
  }
  expected["p256.sec1-nopub"] = { type: "ec", bits: 256, curve: "secp256r1", isPrivate: true, point: raw("p256") };
  for (const [name, bits] of [["rsa2048", 2048], ["rsa3072", 3072]]) {
    for (const [format, isPrivate] of [["spki", false], ["rsapub", false], ["pkcs8", true], ["pkcs1", true]])
      expected[`${name}.${format}`] = { type: "rsa", bits, curve: null, isPrivate, point: null };
  }
  for (const name of ["x25519", "x25519peer"])
    expected[`${name}.spki`] = { type: "x25519", bits: 255, curve: "x25519", isPrivate: false, point: raw(name) };
  assert.deepEqual(result, expected);
});

test("keys: matches() pairs private keys with their public keys, and nothing else", T, async () => {
  const { result, m } = await publicKey("matches");
  assert.deepEqual(result, m.matchExpected, JSON.stringify(m.plan.matches));
});

test("signatures: Node's ECDSA (P-256/P-384, SHA-256/384), PKCS#1 v1.5 and PSS signatures verify in XS; altered ones do not", T, async () => {
  const { result, m } = await publicKey("verify");
  assert.equal(Object.keys(result).length, m.plan.verify.length);
  for (const v of m.plan.verify) assert.equal(result[v.id], v.expected, `${v.id}: ${JSON.stringify(result[v.id])}`);
  assert.ok(m.plan.verify.filter((v) => v.expected === false).length >= 15);
});

test("signatures: signatures made in XS verify in Node (ECDSA P-256/P-384 SHA-256/384, PKCS#1 v1.5, PSS salt 32/48/0)", T, async () => {
  const { result, m } = await publicKey("sign");
  const msg = m.files["msg.bin"];
  const other = Buffer.concat([msg, Buffer.from([0])]);
  for (const s of m.plan.sign) {
    const got = result[s.id];
    assert.ok(got && got.sig, `${s.id}: ${JSON.stringify(got)}`);
    assert.equal(got.self, true, `${s.id}: XS does not verify its own signature`);
    const sig = fromHex(got.sig);
    const c = s.nodeCheck;
    const keyObject = { key: m.pairs[c.key].publicKey };
    if (c.saltLength !== undefined) Object.assign(keyObject, { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: c.saltLength });
    assert.equal(crypto.verify(c.hash, msg, keyObject, sig), true, `${s.id}: Node rejects it`);
    assert.equal(crypto.verify(c.hash, other, keyObject, sig), false, `${s.id}: Node accepts it for another message`);
    if (c.same) assert.equal(got.sig, hex(m.files[c.same]), `${s.id}: PKCS#1 v1.5 is deterministic, so equal to Node's`);
    if (s.alg === "ecdsa" || s.alg === "scheme" && c.key.startsWith("p")) assert.equal(sig[0], 0x30, `${s.id}: DER`);
    if (c.key.startsWith("rsa")) assert.equal(sig.length, c.key === "rsa2048" ? 256 : 384);
  }
  assert.notEqual(result["ecdsa-p256-sha256"].sig, result["ecdsa-p256-sha256 again"].sig, "ECDSA uses a new k each time");
});

test("ECDH: X25519, P-256 and P-384 secrets equal Node's both ways (XS pair with Node's peer, Node's keys in XS)", T, async () => {
  const { result, m } = await publicKey("ecdh");
  const sizes = { x25519: [32, 32], secp256r1: [65, 32], secp384r1: [97, 48] };
  for (const e of m.plan.ecdh) {
    const got = result[e.id];
    const [mine, peer] = { x25519: ["x25519", "x25519peer"], secp256r1: ["p256", "p256peer"], secp384r1: ["p384", "p384peer"] }[e.group];
    const [publicSize, secretSize] = sizes[e.group];
    if (e.private) {
      const expected = hex(crypto.diffieHellman({ privateKey: m.pairs[mine].privateKey, publicKey: m.pairs[peer].publicKey }));
      assert.equal(got.publicKey, hex(m.files[`${mine}.pub`]), `${e.id}: public value`);
      assert.equal(got.secret, expected, `${e.id}: secret`);
      assert.equal(got.stateless, expected, `${e.id}: ECDH.computeSecret`);
      assert.equal(got.statelessKey, expected, `${e.id}: ECDH.computeSecret with a Key`);
      assert.deepEqual(got.afterClose, err("Error", "crypto: closed"), `${e.id}: after close()`);
    }
    else {
      const ours = fromHex(got.publicKey);
      assert.equal(got.group, e.group);
      assert.equal(ours.length, publicSize, `${e.id}: public value size`);
      // Node, holding the peer's private key, computes the same secret from our public value
      const expected = hex(crypto.diffieHellman({ privateKey: m.pairs[peer].privateKey, publicKey: publicFromRaw(e.group, ours) }));
      assert.equal(got.secret.length, secretSize * 2);
      assert.equal(got.secret, expected, `${e.id}: secret`);
      assert.equal(got.secretKey, expected, `${e.id}: secret with the peer as a Key`);
    }
  }
  assert.equal(m.plan.ecdh.length, 6);
});

test("ECDH: invalid peer values, small-order X25519 values and keys on other curves give their exact errors", T, async () => {
  const { result, m } = await publicKey("badPeers");
  for (const b of m.plan.badPeers) {
    assert.deepEqual(result[b.id].object, b.expected, `${b.id}: computeSecret()`);
    assert.deepEqual(result[b.id].stateless, b.expected, `${b.id}: ECDH.computeSecret()`);
  }
  assert.equal(Object.keys(result).length, m.plan.badPeers.length);
});

test("ECDH: X25519 gives RFC 7748 5.2's results, the two vectors and k = u = 9 iterated 1 and 1,000 times", T, async () => {
  const { result } = await publicKey("rfc7748");
  assert.deepEqual(result, {
    vector1: "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
    vector2: "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
    iterated: {
      1: "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079",
      1000: "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51",
    },
  });
});

test("ECDH: private scalars: 0, n and longer than the field give \"crypto: bad key\"; shorter ones are integers", T, async () => {
  const { result, m } = await publicKey("scalars");
  for (const b of m.plan.scalars) {
    if (b.expected) {
      assert.deepEqual(result[b.id].publicKey, { error: b.expected }, `${b.id}: new ECDH()`);
      assert.deepEqual(result[b.id].secret, { error: b.expected }, `${b.id}: ECDH.computeSecret()`);
      continue;
    }
    const size = b.group === "secp256r1" ? 32 : 48;
    const ecdh = crypto.createECDH(b.group === "secp256r1" ? "prime256v1" : "secp384r1");
    ecdh.setPrivateKey(bigBytes(bigOf(fromHex(b.privateHex)), size));
    assert.deepEqual(result[b.id].publicKey, { value: hex(ecdh.getPublicKey()) }, `${b.id}: new ECDH()`);
    assert.deepEqual(result[b.id].secret, { value: hex(ecdh.computeSecret(fromHex(b.peerHex))) }, `${b.id}: ECDH.computeSecret()`);
  }
  assert.equal(Object.keys(result).length, m.plan.scalars.length);
});

test("keys: malformed, non-DER, unsupported, too small and too large keys give their exact errors", T, async () => {
  const { result, m } = await publicKey("badKeys");
  for (const b of m.plan.badKeys) assert.deepEqual(result[b.id], b.expected, b.id);
  assert.equal(Object.keys(result).length, m.plan.badKeys.length);
});

test("keys and signatures: misuse (wrong key type, public key to sign, closed key, SHA-1, digest and salt lengths) throws exact errors", T, async () => {
  const { result } = await publicKey("misuse");
  const type = (message) => err("TypeError", message);
  assert.deepEqual(result, {
    rsaPoint: type("crypto: not an EC key"),
    ecdsaWithRsa: type("crypto: not an EC key"),
    ecdsaWithX25519: type("crypto: not an EC key"),
    pkcs1WithEc: type("crypto: not an RSA key"),
    pssWithEc: type("crypto: not an RSA key"),
    signEcdsaWithPublic: type("crypto: not a private key"),
    signPkcs1WithPublic: type("crypto: not a private key"),
    signPkcs1WithEc: type("crypto: not an RSA key"),
    sha1: err("Error", "crypto: unsupported hash"),
    md5: err("RangeError", "crypto: unsupported hash"),
    digestLength: err("RangeError", "crypto: bad digest length"),
    signDigestLength: err("RangeError", "crypto: bad digest length"),
    saltTooLong: err("RangeError", "crypto: bad salt length"),
    saltNegative: err("RangeError", "crypto: bad salt length"),
    mgf1: err("Error", "crypto: unsupported MGF1 hash"),
    mgf1Sign: err("Error", "crypto: unsupported MGF1 hash"),
    unknownScheme: err("RangeError", "crypto: unsupported signature scheme"),
    closedVerify: err("Error", "crypto: closed"),
    closedPoint: err("Error", "crypto: closed"),
    closedMatches: err("Error", "crypto: closed"),
    closeTwice: null,
    wrongCurve: err("Error", "crypto: wrong curve"),
    wrongCurveX25519: err("Error", "crypto: wrong curve"),
    unsupportedGroup: err("RangeError", "crypto: unsupported curve"),
    emptySignature: false,
    shortRsaSignature: false,
    schemes: [
      { algorithm: "rsa-pkcs1", hash: "SHA-256" },
      { algorithm: "ecdsa", hash: "SHA-256", curve: "secp256r1" },
      { algorithm: "ecdsa", hash: "SHA-384", curve: "secp384r1" },
      { algorithm: "rsa-pss", hash: "SHA-256" },
      null,
    ],
  });
});

async function robustness(section, ...args) {
  const { dir } = await material();
  const r = await runCrypto("robustness.js", [dir, section, ...args]);
  assert.equal(r.code, 0, explain(r));
  const o = r.lines[0];
  assert.ok(o && !o.error, explain(r));
  return o;
}

test("GC: ECDH, Key, Hash, HMAC and AEAD objects never closed are freed by the collector, native heap and all", T, async () => {
  const o = await robustness("gc");
  assert.ok(o.peakLive >= o.before + 60000, `the objects held only ${o.peakLive - o.before} bytes`);
  assert.equal(o.after, o.before);
});

test("fuzz: mutated keys, signatures and peer values only ever give our errors, never a valid signature, and leak nothing", T, async (t) => {
  const runs = await Promise.all([1, 2].map((seed) => robustness("fuzz", seed)));
  for (const o of runs) {
    assert.deepEqual(o.bugs, []);
    assert.equal(o.after, o.before, "native heap after the fuzz (and a collection)");
    assert.ok(o.counts["crypto: bad key"] > 0 && o.counts["crypto: bad point"] > 0, JSON.stringify(o.counts));
    t.diagnostic(JSON.stringify(o.counts));
  }
});

// the native heap of each operation, docs/crypto-publickey.md "Memory and time" (bytes); 10% margin
const HEAP_BUDGETS = {
  "X25519 key pair + shared secret": 56,
  "P-256 key pair + shared secret": 1420,
  "P-384 key pair + shared secret": 1960,
  "ECDSA P-256 verify": 0,   // ours: native/ec_verify.c
  "ECDSA P-384 verify": 2450,
  "ECDSA P-256 sign": 0,   // ours: native/ec_sign.c (mbedtls's took 1,320 B)
  "RSA-2048 PKCS#1 verify": 0,   // ours: native/rsa_public.c, its workspace an ArrayBuffer
  "RSA-2048 PSS verify": 0,
  "RSA-2048 PKCS#1 sign": 4890,
  "RSA-2048 PSS sign": 4120,
};

test("memory: each public-key operation stays within its documented native heap and releases it all", T, async (t) => {
  const o = await robustness("memory");
  assert.deepEqual(Object.keys(o).sort(), Object.keys(HEAP_BUDGETS).sort());
  for (const name in HEAP_BUDGETS) {
    assert.ok((HEAP_BUDGETS[name] === 0 ? o[name].peak === 0 : o[name].peak > 0) && o[name].peak <= HEAP_BUDGETS[name] * 1.1, `${name}: ${o[name].peak} bytes, documented ${HEAP_BUDGETS[name]}`);
    assert.equal(o[name].held, 0, `${name} keeps ${o[name].held} bytes`);
  }
  t.diagnostic(Object.entries(o).map(([k, v]) => `${k} ${v.peak}`).join(", "));
});

// ---------------------------------------------------------------------------------------------
// allocation faults

const FAULT_BUDGET = process.env.CRYPTO_FAULTS === "all" ? Infinity : 600;
const FAULT_JOBS = Math.max(2, availableParallelism()) + 1;
const TF = { timeout: FAULT_BUDGET === Infinity ? 3600000 : 60000 };

/** the N to try in (a0, a1]: all of them, or the first and last quarter of the budget and an odd stride between */
function faultPoints(a0, a1) {
  const count = a1 - a0;
  const all = Array.from({ length: count }, (_, i) => a0 + 1 + i);
  if (count <= FAULT_BUDGET) return all;
  const edge = Math.floor(FAULT_BUDGET / 4);
  let stride = Math.ceil((count - 2 * edge) / (FAULT_BUDGET - 2 * edge));
  if (stride % 2 === 0) stride++;
  return all.filter((n, i) => i < edge || i >= count - edge || (i - edge) % stride === 0);
}

async function pool(items, jobs, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  }));
  return results;
}

/**
 * Walks --native-fail over the allocations of one operation (fault_<op>.js). expected: the value of
 * a successful run. tolerated: how many N inside the operation may give the expected value instead of
 * "out of memory" (an allocation whose failure mbedtls survives).
 */
async function faultWalk(t, module, args, expected, { tolerated = 0 } = {}) {
  const { dir } = await material();
  const run = (options) => runCrypto(module, [dir, ...args], ["--report", ...options]);
  const probe = await run([]);
  assert.equal(probe.code, 0, explain(probe));
  const base = probe.lines[0];
  assert.ok(base && probe.report, explain(probe));
  assert.deepEqual(base.first, { value: expected }, "the operation without faults");
  assert.deepEqual(base.again, { value: expected });
  assert.equal(probe.report.nativeUsed, base.u0, "leak without faults");
  const points = faultPoints(base.a0, base.a1);
  // beyond the operation: in the second run of it, and past everything
  points.push(base.a1 + 1, probe.report.nativeAllocations + 1);
  const problems = [];
  let failed = 0, survived = 0, inside = 0;
  const results = await pool(points, FAULT_JOBS, async (n) => ({ n, r: await run(["--native-fail", String(n)]) }));
  for (const { n, r } of results) {
    const line = r.lines[0];
    const problem = (what) => problems.push(`N=${n}: ${what}\n${explain(r).slice(0, 2000)}`);
    if (r.signal || r.code !== 0 || r.timedOut) { problem(`ended with ${r.signal ?? "exit " + r.code}`); continue; }
    if (!line || !r.report) { problem("no result line or no --report line"); continue; }
    if (r.report.nativeUsed !== line.u0 || line.u1 !== line.u0) { problem(`leak: native heap ${line.u0} before, ${line.u1} after, ${r.report.nativeUsed} at exit`); continue; }
    if (n <= line.a0) { problem(`the setup made ${line.a0} allocations, the probe ${base.a0}`); continue; }
    if (n <= line.a1) {
      inside++;
      if (line.first.error) {
        if (JSON.stringify(line.first.error) !== JSON.stringify(OOM)) { problem(`threw ${JSON.stringify(line.first.error)}`); continue; }
        failed++;
      }
      else if (line.first.value === expected) survived++;
      else { problem(`gave ${JSON.stringify(line.first.value)} with its allocation ${n - line.a0} (of ${base.a1 - base.a0}) failing`); continue; }
      if (JSON.stringify(line.again) !== JSON.stringify({ value: expected })) problem(`after the failure the operation gave ${JSON.stringify(line.again)}`);
    }
    else {
      if (JSON.stringify(line.first) !== JSON.stringify({ value: expected })) { problem(`with the fault past it, the operation gave ${JSON.stringify(line.first)}`); continue; }
      if (line.again.error && JSON.stringify(line.again.error) !== JSON.stringify(OOM)) problem(`second run threw ${JSON.stringify(line.again.error)}`);
      else if (!line.again.error && line.again.value !== expected) problem(`second run gave ${JSON.stringify(line.again.value)}`);
    }
  }
  assert.deepEqual(problems.slice(0, 5), [], `${problems.length} of ${points.length} runs went wrong`);
  // (the allocation count of an operation may vary by a few with the random blinding values)
  assert.ok(inside >= points.length - 2 - 8, `only ${inside} of ${points.length} runs had the fault inside the operation`);
  assert.ok(failed >= inside - tolerated, `only ${failed} of ${inside} runs saw "out of memory"`);
  assert.ok(survived <= tolerated, `${survived} runs survived a failed allocation (${tolerated} allowed)`);
  t.diagnostic(`${module} ${args.join(" ")}: ${base.a1 - base.a0} allocations, ${points.length} runs, ${failed} out of memory, ${survived} survived`);
  return { allocations: base.a1 - base.a0, runs: points.length, failed, survived };
}

test("faults: every native allocation of an AES-128-GCM seal (object included) failing gives \"crypto: out of memory\", no leak", TF, async (t) => {
  const key = pattern(16, 5), nonce = pattern(12, 1), aad = pattern(13, 2);
  const expected = "116:" + nodeSeal("aes-128-gcm", key, nonce, aad, pattern(100, 11));
  const w = await faultWalk(t, "fault_gcm.js", [], expected);
  assert.ok(w.allocations >= 1);
});

test("faults: RSA-2048 PKCS#1 verify (ours, native/rsa_public.c) allocates nothing natively; an altered signature is refused", TF, async (t) => {
  const w = await faultWalk(t, "fault_rsa.js", [], true);
  assert.equal(w.allocations, 0);
  await faultWalk(t, "fault_rsa.js", ["forged"], false);
});

test("faults: X25519 key agreement (key pair from a private key, shared secret, close) under allocation failures", TF, async (t) => {
  const m = await material();
  const expected = hex(m.files["x25519.pub"]) + ":" + hex(crypto.diffieHellman({ privateKey: m.pairs.x25519.privateKey, publicKey: m.pairs.x25519peer.publicKey }));
  const w = await faultWalk(t, "fault_x25519.js", [], expected);
  // the ECDHKey only: the X25519 arithmetic (native/x25519.c) allocates nothing
  assert.equal(w.allocations, 1, `${w.allocations} allocations`);
});

// P-384 runs take about twice P-256's (mbedtls), hence the longer timeout of these two walks
const TF384 = { timeout: Math.max(TF.timeout, 180000) };

test("faults: ECDSA P-384 verify (mbedtls) under allocation failures", TF384, async (t) => {
  const w = await faultWalk(t, "fault_ecdsa.js", ["valid", "p384"], true);
  assert.ok(w.allocations >= 100, `${w.allocations} allocations`);
});

test("faults: ECDSA P-384 verify (mbedtls) of an altered signature never gives true under allocation failures", TF384, async (t) => {
  await faultWalk(t, "fault_ecdsa.js", ["forged", "p384"], false);
});

test("faults: ECDSA P-256 verify (ours, native/ec_verify.c) allocates nothing; an altered signature is refused", TF, async (t) => {
  const w = await faultWalk(t, "fault_ecdsa.js", ["valid", "p256"], true);
  assert.equal(w.allocations, 0);
  await faultWalk(t, "fault_ecdsa.js", ["forged", "p256"], false);
});
