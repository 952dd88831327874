// Events recorded but not yet cut into a batch, kept msgpack-encoded.
// The recorder keeps (these + unacknowledged batches) under maxBufferBytes:
// on overflow the OLDEST pending events go, and a `session-replay-gap` custom
// event takes their place so the hole is visible in the replay.
import { enc } from './codec.js';

export const GAP = 'session-replay-gap';

/**
 * An rrweb custom event (EventType.Custom = 5).
 * @param {'overflow' | 'too_large' | 'refused' | 'conflict'} reason
 * @param {number} dropped
 * @param {number} timestamp
 */
export function gapEvent(reason, dropped, timestamp) {
  return { type: 5, timestamp, data: { tag: GAP, payload: { reason, dropped } } };
}

/** @typedef {{b: Uint8Array, ts: number, gap?: number}} PendingEvent  b: encoded event; gap: events an overflow marker stands for */

export class Pending {
  constructor() {
    /** @type {PendingEvent[]} */
    this.q = [];
    this.bytes = 0;
  }

  /**
   * @param {Uint8Array} b
   * @param {number} ts
   */
  add(b, ts) {
    this.q.push({ b, ts });
    this.bytes += b.length;
  }

  /**
   * Queues an event ahead of the others (a marker for what went missing before them).
   * @param {Uint8Array} b
   * @param {number} ts
   */
  addFirst(b, ts) {
    this.q.unshift({ b, ts });
    this.bytes += b.length;
  }

  /**
   * Drops the oldest events until the queue fits in `room` bytes and puts one
   * overflow marker in front (merging with a marker already there). Returns
   * the number of events dropped by this call.
   * @param {number} room
   */
  shrink(room) {
    if (this.bytes <= room || !this.q.length) return 0;
    let dropped = 0;
    let marker = null;
    if (this.q[0].gap) {
      marker = /** @type {PendingEvent} */ (this.q.shift());
      this.bytes -= marker.b.length;
    }
    const ts = marker ? marker.ts : this.q[0].ts;
    const markerRoom = 96; // an encoded marker is ~60 bytes
    while (this.q.length && this.bytes + markerRoom > room) {
      const it = /** @type {PendingEvent} */ (this.q.shift());
      this.bytes -= it.b.length;
      dropped++;
    }
    const total = dropped + (marker ? marker.gap || 0 : 0);
    const b = enc(gapEvent('overflow', total, ts));
    this.q.unshift({ b, ts, gap: total });
    this.bytes += b.length;
    return dropped;
  }

  /**
   * Removes and returns the oldest events whose sizes add up to <= budget.
   * @param {number} budget
   */
  take(budget) {
    let n = 0;
    let used = 0;
    while (n < this.q.length && used + this.q[n].b.length <= budget) {
      used += this.q[n].b.length;
      n++;
    }
    if (!n && this.q.length) n = 1; // never stall (add() keeps events under budget)
    const out = this.q.splice(0, n);
    for (const it of out) this.bytes -= it.b.length;
    return out;
  }
}
