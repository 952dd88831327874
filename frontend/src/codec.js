// msgpack framing. Events are encoded once, when rrweb emits them: that gives
// their exact size for buffer accounting and frame splitting, and a batch is
// then assembled by concatenating the already-encoded events.
import { encode } from './msgpack.js';

// encode() returns an exact-size copy, so a small event never pins the
// encoder's large scratch buffer in memory.
/** @param {unknown} value */
export const enc = (value) => encode(value);

/** @param {Uint8Array[]} parts */
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
/**
 * @param {number} n
 * @returns {Uint8Array}
 */
function arrayHeader(n) {
  if (n < 16) return Uint8Array.of(0x90 | n);
  if (n < 0x10000) return Uint8Array.of(0xdc, n >> 8, n & 255);
  return Uint8Array.of(0xdd, n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255);
}

/**
 * msgpack bytes of a list, from the msgpack bytes of its items.
 * @param {Uint8Array[]} items
 */
export function list(items) {
  return concat([arrayHeader(items.length)].concat(items));
}

// Bytes a batch frame adds around its event list (map, keys, seq, list header).
export const FRAME_OVERHEAD = 64;

/**
 * Grows an encoded map by extra key/value pairs that are already encoded.
 * `head` must be a fixmap (fewer than 16 keys), which our frames always are.
 * @param {Uint8Array} head
 * @param {Uint8Array[]} pairs
 * @param {number} count
 */
function extendMap(head, pairs, count) {
  head[0] += count; // fixmap header is 0x80 | number of pairs
  return concat([head].concat(pairs));
}

/**
 * A `batch` frame: {t, seq, events} from an encoded list, or {t, seq, z}.
 * @param {number} seq
 * @param {Uint8Array | null} listBytes
 * @param {Uint8Array} [z] the raw-deflated list, instead of listBytes
 */
export function batchFrame(seq, listBytes, z) {
  if (z) return enc({ t: 'batch', seq, z });
  return extendMap(enc({ t: 'batch', seq }), [enc('events'), /** @type {Uint8Array} */ (listBytes)], 1);
}

/**
 * The HTTP ingest body: {...fields (v, key, token, win, visitor), batches: [frame, ...]}.
 * @param {Record<string, unknown>} fields
 * @param {Uint8Array[]} frames
 */
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

/** @param {Uint8Array} bytes */
export async function deflate(bytes) {
  const s = new Blob([/** @type {BlobPart} */ (bytes)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(s).arrayBuffer());
}
