// The Socket contract's read forms (tests/xs/lib/read-forms.js): the blocks the peer sends, one
// per step, and what the reads of each step must give. Shared by the host Socket's test
// (tests/host-socket.test.mjs) and SecureSocket's (tests/securesocket.test.mjs).
export const READ_BLOCKS = [
  Buffer.concat([Buffer.from([200]), Buffer.from("abcXY"), Buffer.from([1, 2, 3, 4]), Buffer.from("line\nkey=val;0123456789zz")]),
  Buffer.from("second block"),
  Buffer.from("héllo"),
  Buffer.from([0, 255, 128]),
  Buffer.from("1234567"),
];

export const READ_RESULTS = [
  {
    available: 35,
    number: 200,
    string3: "abc",
    availableAfter: 31,
    skipped: 2,
    buffer4: [1, 2, 3, 4],
    isArrayBuffer: true,
    line: "line\n",
    bufferUntil: [...Buffer.from("key=val;")],
    string4: "0123",
    rest: [...Buffer.from("456789zz")],
    availableEnd: 0,
    numberEmpty: true,
    stringEmpty: true,
    bufferEmpty: true,
    skipEmpty: 0,
  },
  { available: 12, skippedAll: 12, availableAfter: 0 },
  { utf8: "héllo", availableAfter: 0 },
  { numbers: [0, 255, 128], after: true },
  { skipMore: 7, availableAfter: 0 },
];
