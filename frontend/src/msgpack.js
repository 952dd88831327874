// The msgpack encoder of the recorder and its worker. Events are JSON-shaped
// (maps, arrays, strings, numbers, booleans, null) plus our binary frames, so
// this is that subset of @msgpack/msgpack's Encoder({ignoreUndefined: true}),
// byte for byte the same on it (test/msgpack.test.js, on the shared corpus),
// in a tenth of its size. Where it differs, it does what JSON.stringify does
// (and the worker, which starts from JSON text): an object with toJSON() is
// encoded as what toJSON returns (a Date as its ISO string, not a timestamp
// extension), and a lone surrogate becomes U+FFFD in every string, as
// TextEncoder writes it (the library does so only in strings over 50
// characters; the server decodes a frame as strict UTF-8 and refuses it
// otherwise).

// Deeper values throw, as the library's default maxDepth does (cyclic data).
const MAX_DEPTH = 100;
const utf8 = new TextEncoder();

let buf = new Uint8Array(2048);
let view = new DataView(buf.buffer);
let pos = 0;
let busy = false;

/** @param {number} n bytes about to be written */
function room(n) {
  if (pos + n <= buf.length) return;
  const grown = new Uint8Array((pos + n) * 2);
  grown.set(buf.subarray(0, pos));
  buf = grown;
  view = new DataView(buf.buffer);
}

/** @param {number} b */
function u8(b) {
  room(1);
  buf[pos++] = b;
}

/**
 * A type byte and an unsigned size of 1, 2 or 4 bytes.
 * @param {number} type
 * @param {number} width
 * @param {number} n
 */
function sized(type, width, n) {
  room(5);
  buf[pos++] = type;
  if (width === 1) view.setUint8(pos, n);
  else if (width === 2) view.setUint16(pos, n);
  else view.setUint32(pos, n);
  pos += width;
}

/**
 * A container header: fix form below `fixMax`, then 16- and 32-bit sizes.
 * @param {number} n
 * @param {number} fix
 * @param {number} fixMax
 * @param {number} t16
 */
function header(n, fix, fixMax, t16) {
  if (n < fixMax) u8(fix + n);
  else if (n < 0x10000) sized(t16, 2, n);
  else sized(t16 + 1, 4, n);
}

/** @param {number} v */
function number(v) {
  room(9);
  if (!Number.isSafeInteger(v)) {
    buf[pos++] = 0xcb;
    view.setFloat64(pos, v);
    pos += 8;
  } else if (v >= 0) {
    if (v < 0x80) buf[pos++] = v;
    else if (v < 0x100) sized(0xcc, 1, v);
    else if (v < 0x10000) sized(0xcd, 2, v);
    else if (v < 0x100000000) sized(0xce, 4, v);
    else wide(0xcf, v / 0x100000000, v);
  } else if (v >= -0x20) buf[pos++] = 0xe0 | (v + 0x20);
  else if (v >= -0x80) {
    buf[pos++] = 0xd0;
    view.setInt8(pos++, v);
  } else if (v >= -0x8000) {
    buf[pos++] = 0xd1;
    view.setInt16(pos, v);
    pos += 2;
  } else if (v >= -0x80000000) {
    buf[pos++] = 0xd2;
    view.setInt32(pos, v);
    pos += 4;
  } else wide(0xd3, Math.floor(v / 0x100000000), v);
}

/**
 * A 64-bit integer as two 32-bit halves (DataView truncates `low`).
 * @param {number} type
 * @param {number} high
 * @param {number} low
 */
function wide(type, high, low) {
  buf[pos++] = type;
  view.setUint32(pos, high);
  view.setUint32(pos + 4, low);
  pos += 8;
}

/** @param {number} n the string's UTF-8 bytes */
function strHeader(n) {
  if (n < 32) buf[pos++] = 0xa0 + n;
  else if (n < 0x100) sized(0xd9, 1, n);
  else if (n < 0x10000) sized(0xda, 2, n);
  else sized(0xdb, 4, n);
}

/** @param {string} s */
function string(s) {
  const n = s.length;
  room(5 + n * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
  if (n < 32) {
    // Short ASCII (most keys and values) by hand: faster than a native call.
    let i = 0;
    while (i < n && s.charCodeAt(i) < 0x80) i++;
    if (i === n) {
      buf[pos++] = 0xa0 + n;
      for (i = 0; i < n; i++) buf[pos++] = s.charCodeAt(i);
      return;
    }
  }
  // Natively, after room for the widest header; then moved up to the real one.
  const start = pos;
  const bytes = /** @type {number} */ (utf8.encodeInto(s, buf.subarray(start + 5)).written);
  strHeader(bytes);
  buf.copyWithin(pos, start + 5, start + 5 + bytes);
  pos += bytes;
}

/**
 * @param {any} v
 * @param {number} depth
 */
function value(v, depth) {
  if (depth > MAX_DEPTH) throw new Error('msgpack: nested deeper than ' + MAX_DEPTH);
  if (v == null) u8(0xc0);
  else if (typeof v === 'boolean') u8(v ? 0xc3 : 0xc2);
  else if (typeof v === 'number') number(v);
  else if (typeof v === 'string') string(v);
  else if (typeof v !== 'object') throw new Error('msgpack: cannot encode a ' + typeof v);
  else if (typeof v.toJSON === 'function') value(v.toJSON(), depth);
  else if (Array.isArray(v)) {
    header(v.length, 0x90, 16, 0xdc);
    for (const x of v) value(x, depth + 1);
  } else if (ArrayBuffer.isView(v)) {
    const n = v.byteLength;
    if (n < 0x100) sized(0xc4, 1, n);
    else sized(n < 0x10000 ? 0xc5 : 0xc6, n < 0x10000 ? 2 : 4, n);
    room(n);
    buf.set(new Uint8Array(v.buffer, v.byteOffset, n), pos);
    pos += n;
  } else {
    const keys = Object.keys(v);
    let n = 0;
    for (const k of keys) if (v[k] !== undefined) n++;
    header(n, 0x80, 16, 0xde);
    for (const k of keys) {
      const x = v[k];
      if (x === undefined) continue;
      string(k);
      value(x, depth + 1);
    }
  }
}

/**
 * The msgpack bytes of a value, in an array of their own.
 * @param {unknown} v
 * @returns {Uint8Array}
 */
export function encode(v) {
  if (busy) {
    // A getter of the value encoding something meanwhile: with buffers of its own.
    const outer = /** @type {const} */ ([buf, view, pos]);
    buf = new Uint8Array(256);
    view = new DataView(buf.buffer);
    try {
      return encodeHere(v);
    } finally {
      [buf, view, pos] = outer;
    }
  }
  busy = true;
  try {
    return encodeHere(v);
  } finally {
    busy = false;
  }
}

/** @param {unknown} v */
function encodeHere(v) {
  pos = 0;
  value(v, 1);
  return buf.slice(0, pos);
}
