// A batch too large for one frame goes as `part` frames, each a slice of the
// batch's `z` in order (docs/protocol.md, "Batches in parts"); the server puts
// them back together and acks the seq once the whole batch is durable.
import { enc } from './codec.js';
import { decode } from './decode.js';

// Bytes a part frame adds around its slice (map, keys, seq, i, n, bin header).
export const PART_OVERHEAD = 64;
// The server counts what each part inflates to against its raw-byte rate
// limit, and deflate packs some stretches of a page far tighter than others:
// a part's even share of the batch stays under a quarter of the raw pace.
const RAW_SHARE = 4;

/**
 * The `z` of a held batch frame ({t: 'batch', seq, z}).
 * @param {Uint8Array} frame
 * @returns {Uint8Array | null}
 */
export function zOf(frame) {
  try {
    const m = decode(frame);
    return m && m.z instanceof Uint8Array ? m.z : null;
  } catch (e) {
    return null;
  }
}

/**
 * The part frames of one batch, and the raw bytes each stands for.
 * @param {number} seq
 * @param {Uint8Array} z the batch's raw-deflated event list
 * @param {number} raw what z inflates to (0 when unknown)
 * @param {number} maxFrameBytes
 * @param {number} [rawPace] the raw bytes per second the recorder sends at most
 * @returns {{f: Uint8Array, raw: number}[]}
 */
export function partFrames(seq, z, raw, maxFrameBytes, rawPace) {
  let size = maxFrameBytes - PART_OVERHEAD;
  if (raw > 0 && rawPace) size = Math.min(size, Math.floor((z.length * rawPace) / RAW_SHARE / raw));
  size = Math.max(1024, size);
  const n = Math.ceil(z.length / size);
  const out = [];
  for (let i = 0; i < n; i++) {
    const slice = z.subarray(i * size, (i + 1) * size);
    out.push({ f: enc({ t: 'part', seq, i, n, z: slice }), raw: Math.ceil((raw * slice.length) / z.length) });
  }
  return out;
}
