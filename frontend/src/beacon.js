// The page is being hidden: the socket may never get to deliver what is held,
// so it goes to the HTTP door too, by navigator.sendBeacon (which outlives the
// page). Whatever a beacon fails to deliver, the next page's socket re-sends:
// the server stores a seq once, however many times it arrives.
import { ingestBody } from './codec.js';

/** @typedef {import('./held.js').HeldBatch} HeldBatch */

// Browsers cap the data of all in-flight beacons of a page at 64 KiB.
export const BEACON_MAX = 60000;
// Room for the envelope around the frames: v, key, token, win, visitor.
const ENVELOPE_BYTES = 512;

/**
 * Whole batches, in seq order, that fit one beacon and were not beaconed
 * yet: navigation fires both visibilitychange and pagehide, once is enough.
 * @param {HeldBatch[]} batches
 * @param {number} [max] bytes a beacon may carry
 * @param {number} [count] batches a beacon may carry (the server's MAX_BATCHES_PER_REQUEST)
 */
export function pickForBeacon(batches, max = BEACON_MAX, count = Infinity) {
  let size = ENVELOPE_BYTES;
  /** @type {HeldBatch[]} */
  const picked = [];
  for (const b of batches) {
    if (picked.length >= count) break; // the rest go by the next page's socket
    // A smaller later one may still fit; a large event still being compressed has no frame yet.
    if (b.beaconed || !b.f.length || size + b.f.length > max) continue;
    picked.push(b);
    size += b.f.length;
  }
  return picked;
}

/**
 * Posts the held batches that fit one beacon; marks them once the browser
 * took the beacon. Returns how many went.
 * @param {HeldBatch[]} batches
 * @param {string} url the HTTP ingest door
 * @param {{v: number, key: string, token: string, win: string, visitor: string}} envelope
 * @param {(url: string, data: Blob) => boolean} sendBeacon
 * @param {number} [count] batches one request may carry
 */
export function beacon(batches, url, envelope, sendBeacon, count) {
  const picked = pickForBeacon(batches, BEACON_MAX, count);
  if (!picked.length) return 0;
  const body = ingestBody(envelope, picked.map((b) => b.f));
  if (!sendBeacon(url, new Blob([body], { type: 'application/msgpack' }))) return 0;
  for (const b of picked) b.beaconed = true;
  return picked.length;
}
