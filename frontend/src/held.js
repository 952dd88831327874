// Batches cut (seq assigned) but not yet acknowledged by the server. Kept in
// memory and mirrored in sessionStorage, one key per batch, so a reload or a
// navigation in this tab re-sends them after the next page's `welcome`.
// A key per batch means an ack deletes one key instead of rewriting a list.
import { toBin, fromBin } from './storage.js';

/**
 * @typedef {Object} HeldBatch
 * @property {number} seq
 * @property {Uint8Array} f the encoded `batch` frame
 * @property {number} n how many events it holds
 * @property {number} [r] the events' msgpack size (what the server counts once inflated)
 * @property {boolean} [sent] sent on the current socket
 * @property {boolean} [busy] being compressed: not sent or saved until done
 * @property {boolean} [saved] mirrored in sessionStorage
 * @property {boolean} [beaconed] already posted by a page-hide beacon
 * @property {{f: Uint8Array, raw: number}[]} [parts] its part frames, while being sent in parts
 * @property {number} [next] the first of its parts not sent yet on this socket
 */

/**
 * Storage key prefix of a window's batches: sr:b:<win>:<seq>.
 * @param {string} win
 */
export const heldPrefix = (win) => 'sr:b:' + win + ':';

export class Held {
  /**
   * @param {string} win the window id
   * @param {import('./storage.js').Store} tab the tab's storage (sessionStorage)
   */
  constructor(win, tab) {
    this.tab = tab;
    this.p = heldPrefix(win);
    /** @type {HeldBatch[]} in seq order */
    this.list = [];
    this.bytes = 0;
    for (const k of tab.keys(this.p)) {
      const v = tab.get(k);
      const i = v ? v.indexOf('|') : -1;
      const seq = +k.slice(this.p.length);
      if (!v || i < 0 || !(seq > 0)) continue;
      const f = fromBin(v.slice(i + 1));
      const [n, r] = v.slice(0, i).split(',');
      this.list.push({ seq, f, n: +n || 0, r: +r || undefined, saved: true });
      this.bytes += f.length;
    }
    this.list.sort((a, b) => a.seq - b.seq);
  }

  /**
   * Adds a batch; `busy` batches (being compressed) are saved when done.
   * @param {HeldBatch} b
   */
  add(b) {
    this.list.push(b);
    this.bytes += b.f.length;
    if (!b.busy) this.save(b);
  }

  /** @param {HeldBatch} b */
  save(b) {
    // Acked or dropped meanwhile, or a large event not compressed yet (no frame).
    if (this.list.indexOf(b) < 0 || !b.f.length) return;
    // "n,r|frame": the raw size tells, after a reload, which batches go in parts.
    b.saved = this.tab.set(this.p + b.seq, b.n + ',' + (b.r || 0) + '|' + toBin(b.f));
  }

  /**
   * Replaces a held batch's frame (compressed or refused replacement).
   * @param {HeldBatch} b
   * @param {Uint8Array} f
   * @param {number} [n] the new event count, when it changes
   */
  replace(b, f, n) {
    if (this.list.indexOf(b) < 0) return;
    this.bytes += f.length - b.f.length;
    b.f = f;
    if (n !== undefined) b.n = n;
    this.save(b);
  }

  saveAll() {
    for (const b of this.list) if (!b.saved) this.save(b);
  }

  /**
   * Keeps only the batches for which keep(b) is true.
   * @param {(b: HeldBatch) => boolean} keep
   */
  filter(keep) {
    this.list = this.list.filter((b) => {
      if (keep(b)) return true;
      this.bytes -= b.f.length;
      this.tab.del(this.p + b.seq);
      return false;
    });
  }
}
