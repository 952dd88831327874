// Batches cut (seq assigned) but not yet acknowledged by the server. Kept in
// memory and mirrored in sessionStorage, one key per batch, so a reload or a
// navigation in this tab re-sends them after the next page's `welcome`.
// A key per batch means an ack deletes one key instead of rewriting a list.
import * as st from './storage.js';

const SS = 'sessionStorage';

export class Held {
  constructor(win) {
    this.p = 'sr:b:' + win + ':';
    this.list = []; // {seq, f: frame bytes, n: event count, sent, busy, saved}
    this.bytes = 0;
    for (const k of st.keys(SS, this.p)) {
      const v = st.get(SS, k);
      const i = v ? v.indexOf('|') : -1;
      const seq = +k.slice(this.p.length);
      if (i < 0 || !(seq > 0)) continue;
      const f = st.fromBin(v.slice(i + 1));
      this.list.push({ seq, f, n: +v.slice(0, i) || 0, saved: true });
      this.bytes += f.length;
    }
    this.list.sort((a, b) => a.seq - b.seq);
  }

  /** Adds a batch; `busy` batches (being compressed) are saved when done. */
  add(b) {
    this.list.push(b);
    this.bytes += b.f.length;
    if (!b.busy) this.save(b);
  }

  save(b) {
    if (this.list.indexOf(b) < 0) return; // acked or dropped meanwhile
    b.saved = st.set(SS, this.p + b.seq, b.n + '|' + st.toBin(b.f));
  }

  /** Replaces a held batch's frame (compressed or refused replacement). */
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

  /** Keeps only the batches for which keep(b) is true. */
  filter(keep) {
    this.list = this.list.filter((b) => {
      if (keep(b)) return true;
      this.bytes -= b.f.length;
      st.del(SS, this.p + b.seq);
      return false;
    });
  }
}
