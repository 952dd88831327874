// msgpack framing. Events are encoded once, when rrweb emits them: that gives
// their exact size for buffer accounting and frame splitting, and a batch is
// then assembled by concatenating the already-encoded events.
import { Encoder } from '@msgpack/msgpack';

// One shared encoder: encode() returns an exact-size copy, so a small event
// never pins a large scratch buffer in memory.
const encoder = new Encoder({ ignoreUndefined: true });

export const enc = (value) => encoder.encode(value);

/**
 * Decodes a server frame. Server frames are small maps of strings, numbers
 * and nil, so this short decoder of the msgpack core types replaces the
 * library's general one (about 3 KB gzip on every recorded page).
 * Extension types (msgpack timestamps) are not supported: the server never
 * sends them. Throws on malformed input.
 */
export function decode(u8) {
  const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const text = new TextDecoder();
  let o = 0;
  const at = (n) => (o += n) - n; // offset of the next n bytes
  const str = (n) => text.decode(u8.subarray(o, at(n) + n));
  const bin = (n) => u8.slice(o, at(n) + n);
  const arr = (n) => {
    const a = [];
    while (n--) a.push(val());
    return a;
  };
  const map = (n) => {
    const m = {};
    while (n--) {
      const k = val();
      m[k] = val();
    }
    return m;
  };
  function val() {
    if (o >= u8.length) throw new Error('msgpack: truncated');
    const b = u8[o++];
    if (b < 0x80) return b; // positive fixint
    if (b < 0x90) return map(b & 15);
    if (b < 0xa0) return arr(b & 15);
    if (b < 0xc0) return str(b & 31);
    if (b >= 0xe0) return b - 256; // negative fixint
    switch (b) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return bin(dv.getUint8(at(1)));
      case 0xc5: return bin(dv.getUint16(at(2)));
      case 0xc6: return bin(dv.getUint32(at(4)));
      case 0xca: return dv.getFloat32(at(4));
      case 0xcb: return dv.getFloat64(at(8));
      case 0xcc: return dv.getUint8(at(1));
      case 0xcd: return dv.getUint16(at(2));
      case 0xce: return dv.getUint32(at(4));
      case 0xcf: return dv.getUint32(at(4)) * 4294967296 + dv.getUint32(at(4));
      case 0xd0: return dv.getInt8(at(1));
      case 0xd1: return dv.getInt16(at(2));
      case 0xd2: return dv.getInt32(at(4));
      case 0xd3: return dv.getInt32(at(4)) * 4294967296 + dv.getUint32(at(4));
      case 0xd9: return str(dv.getUint8(at(1)));
      case 0xda: return str(dv.getUint16(at(2)));
      case 0xdb: return str(dv.getUint32(at(4)));
      case 0xdc: return arr(dv.getUint16(at(2)));
      case 0xdd: return arr(dv.getUint32(at(4)));
      case 0xde: return map(dv.getUint16(at(2)));
      case 0xdf: return map(dv.getUint32(at(4)));
    }
    throw new Error('msgpack: unsupported type 0x' + b.toString(16));
  }
  return val();
}

export function concat(parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// msgpack array header for n elements (fixarray / array 16 / array 32).
function arrayHeader(n) {
  if (n < 16) return Uint8Array.of(0x90 | n);
  if (n < 0x10000) return Uint8Array.of(0xdc, n >> 8, n & 255);
  return Uint8Array.of(0xdd, n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255);
}

/** msgpack bytes of a list, from the msgpack bytes of its items. */
export function list(items) {
  return concat([arrayHeader(items.length)].concat(items));
}

// Bytes a batch frame adds around its event list (map, keys, seq, list header).
export const FRAME_OVERHEAD = 64;

/**
 * Grows an encoded map by extra key/value pairs that are already encoded.
 * `head` must be a fixmap (fewer than 16 keys), which our frames always are.
 */
function extendMap(head, pairs, count) {
  head[0] += count; // fixmap header is 0x80 | number of pairs
  return concat([head].concat(pairs));
}

/** A `batch` frame: {t, seq, events} from an encoded list, or {t, seq, z}. */
export function batchFrame(seq, listBytes, z) {
  if (z) return enc({ t: 'batch', seq, z });
  return extendMap(enc({ t: 'batch', seq }), [enc('events'), listBytes], 1);
}

/** The HTTP ingest body: {v, key, token, win, batches: [frame, ...]}. */
export function ingestBody(fields, frames) {
  return extendMap(enc(fields), [enc('batches'), list(frames)], 1);
}

// Raw deflate (RFC 1951) through the browser's CompressionStream, where it
// exists ('deflate-raw' needs Chrome 103+, Firefox 113+, Safari 16.4+).
export const canDeflate = (() => {
  try {
    new CompressionStream('deflate-raw');
    return true;
  } catch (e) {
    return false;
  }
})();

export async function deflate(bytes) {
  const s = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(s).arrayBuffer());
}
