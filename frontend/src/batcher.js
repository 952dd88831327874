// Events -> batches. Each rrweb event is encoded once, when emitted, and waits
// in Pending; a cut takes as many as fit one frame, numbers the batch with
// this window's next seq and moves it to Held, where it stays until the
// server acknowledges it (docs/protocol.md, "Delivery guarantee").
import { enc, list, batchFrame, FRAME_OVERHEAD } from './codec.js';
import { Pending, gapEvent } from './buffer.js';
import { partFrames, zOf } from './parts.js';

const FULL_SNAPSHOT = 2; // rrweb EventType.FullSnapshot

/** @typedef {import('./held.js').Held} Held */
/** @typedef {import('./held.js').HeldBatch} HeldBatch */
/** @typedef {import('./identity.js').Counter} Counter */
/** @typedef {(bytes: Uint8Array) => Promise<Uint8Array>} Deflate */
/** @typedef {import('./offthread.js').Packed} Packed */

// Smaller lists are not worth the async round trip through CompressionStream.
const COMPRESS_MIN = 1024;

export class Batcher {
  /**
   * @param {Object} o
   * @param {Held} o.held
   * @param {Counter} o.counter
   * @param {number} o.maxFrameBytes the server's frame size limit
   * @param {number} [o.maxEventBytes] the largest batch the server takes in parts
   * @param {number} [o.rawPace] inflated bytes per second the transport sends at most
   * @param {import('./offthread.js').OffThread | null} [o.offThread] encodes large snapshots in a worker
   * @param {number} o.maxBufferBytes pending + held bytes this page may keep
   * @param {Deflate | null} o.deflate raw deflate, or null where the browser has none
   * @param {() => void} o.compressed called when a batch finished compressing (it may be sent)
   */
  constructor(o) {
    this.held = o.held;
    this.counter = o.counter;
    this.maxFrameBytes = o.maxFrameBytes;
    this.budget = o.maxFrameBytes - FRAME_OVERHEAD; // bytes of events per frame
    this.maxEventBytes = Math.max(o.maxEventBytes || 0, o.maxFrameBytes);
    this.rawPace = o.rawPace || 0;
    this.offThread = o.offThread || null;
    this.maxBufferBytes = o.maxBufferBytes;
    this.deflate = o.deflate;
    this.compressed = o.compressed;
    this.pending = new Pending();
    this.refused = 0; // seq of a batch the server closed the socket on
    this.conflict = 0; // seq the server holds with other events
    this.cutOnPage = false; // some of this page's events went into a batch
    this.wantSnapshot = false; // retake Meta + FullSnapshot when there is room
    const last = this.held.list[this.held.list.length - 1];
    this.counter.seq = Math.max(this.counter.seq, last ? last.seq : 0);
  }

  /** Nothing left to deliver. */
  get empty() {
    return !this.held.list.length && !this.pending.q.length;
  }

  /**
   * Queues an rrweb event. An event too large for one frame becomes a batch
   * of its own, sent in parts; one over maxEventBytes (or any large one where
   * the browser cannot deflate) becomes a `too_large` gap marker. On overflow
   * the oldest pending events make room.
   * @param {{timestamp: number, type?: number}} ev
   */
  add(ev) {
    if (ev.type === FULL_SNAPSHOT && this.offThread && this.deflate) {
      // JSON.stringify is native and several times faster than msgpack in
      // JavaScript: a large snapshot is encoded in the worker from its text.
      const json = JSON.stringify(ev);
      const off = this.offThread;
      if (json.length > this.budget) {
        return this.cutLarge(ev.timestamp, () => off.pack(json).catch(() => this.packHere(enc(ev))));
      }
    }
    let b = enc(ev);
    if (b.length > this.budget) {
      if (this.deflate && b.length <= this.maxEventBytes - FRAME_OVERHEAD) {
        return this.cutLarge(ev.timestamp, () => this.packHere(b));
      }
      b = enc(gapEvent('too_large', 1, ev.timestamp));
    }
    this.pending.add(b, ev.timestamp);
    // Dropped events may include the snapshot the rest depends on.
    if (this.pending.shrink(this.maxBufferBytes - this.held.bytes)) this.wantSnapshot = true;
  }

  /** Pending events are deltas against a snapshot: without it they are useless. */
  dropPending() {
    this.pending = new Pending();
  }

  /**
   * Whether to take a new full snapshot now (at most once per request, and
   * only when there is room for it).
   */
  snapshotDue() {
    if (!this.wantSnapshot || this.held.bytes >= this.maxBufferBytes / 2) return false;
    this.wantSnapshot = false;
    return true;
  }

  /**
   * Cuts every pending event into batches.
   * @param {boolean} compress false when there is no time for async compression (page hide)
   */
  cutAll(compress) {
    while (this.pending.q.length) this.cut(compress);
  }

  /** @param {boolean} compress */
  cut(compress) {
    const items = this.pending.take(this.budget);
    const bytes = list(items.map((i) => i.b));
    const seq = this.counter.next();
    /** @type {HeldBatch} */
    const b = { seq, f: batchFrame(seq, bytes), n: items.length, r: bytes.length, sent: false };
    const deflate = this.deflate;
    b.busy = compress && !!deflate && bytes.length >= COMPRESS_MIN;
    this.held.add(b);
    this.cutOnPage = true;
    if (!b.busy || !deflate) return;
    deflate(bytes)
      .then((z) => {
        if (z.length < bytes.length) this.held.replace(b, batchFrame(seq, null, z));
      })
      .catch(() => {})
      .then(() => {
        b.busy = false;
        if (!b.saved) this.held.save(b);
        this.compressed();
      });
  }

  /**
   * One event too large for a frame: the events before it are cut first (seq
   * order is event order), then it becomes a batch of its own, compressed
   * off the main thread by CompressionStream. It is held from now on, but
   * counts against maxBufferBytes only once compressed, and is not saved or
   * sent before: a page hidden meanwhile loses it, and the next page takes a
   * snapshot of its own.
   * @param {number} ts the event's timestamp
   * @param {() => Promise<Packed>} pack the event's list, deflated
   */
  cutLarge(ts, pack) {
    this.cutAll(true);
    const seq = this.counter.next();
    /** @type {HeldBatch} */
    const hb = { seq, f: new Uint8Array(0), n: 1, sent: false, busy: true };
    this.held.add(hb);
    this.cutOnPage = true;
    const gap = () => this.held.replace(hb, batchFrame(seq, list([enc(gapEvent('too_large', 1, ts))])), 1);
    pack()
      .then(({ z, r }) => {
        if (r > this.maxEventBytes - FRAME_OVERHEAD) return gap();
        hb.r = r;
        this.held.replace(hb, batchFrame(seq, null, z));
      })
      .catch(gap)
      .then(() => {
        hb.busy = false;
        this.compressed();
      });
  }

  /**
   * One encoded event as a deflated list, on this thread (CompressionStream
   * itself works off it).
   * @param {Uint8Array} b
   * @returns {Promise<Packed>}
   */
  packHere(b) {
    const bytes = list([b]);
    const deflate = /** @type {Deflate} */ (this.deflate);
    return deflate(bytes).then((z) => ({ z, r: bytes.length }));
  }

  /**
   * Sends unsent batches in seq order while `send` takes them; a batch still
   * being compressed holds back the ones after it. A frame over the server's
   * limit goes as its parts, and may stop half way until the pace allows more.
   * @param {(frame: Uint8Array, raw?: number) => boolean} send
   */
  pump(send) {
    for (const b of this.held.list) {
      if (b.sent) continue;
      if (b.busy) break;
      // The server takes a frame up to maxFrameBytes whose events inflate to
      // no more than that; anything larger goes in parts.
      if (b.f.length > this.maxFrameBytes || (b.r || 0) > this.budget) {
        if (!this.sendParts(b, send)) break;
        // A batch restored from an older page may have no raw size: its frame size stands in.
      } else if (!send(b.f, b.r || b.f.length)) break;
      b.sent = true;
    }
  }

  /**
   * @param {HeldBatch} b
   * @param {(frame: Uint8Array, raw?: number) => boolean} send
   * @returns {boolean} whether every part went
   */
  sendParts(b, send) {
    if (!b.parts) {
      const z = zOf(b.f);
      if (!z) return false; // not a z frame: cannot happen for a frame we built
      b.parts = partFrames(b.seq, z, b.r || 0, this.maxFrameBytes, this.rawPace);
      b.next = 0;
    }
    const parts = b.parts;
    let i = b.next || 0;
    while (i < parts.length && send(parts[i].f, parts[i].raw)) i++;
    b.next = i;
    if (i < parts.length) return false;
    b.parts = undefined; // the frames were copies of z: let them go
    return true;
  }

  /**
   * A `welcome`: drop what the server has, turn a refused batch into a gap
   * marker, and make everything else due for sending on the new socket.
   * @param {string} sid the session welcomed into
   * @param {string} token its resume token
   * @param {number} seq the server's contiguous high-water mark for this window
   * @param {number} now
   */
  welcomed(sid, token, seq, now) {
    const ctr = this.counter;
    if (ctr.sid && ctr.sid !== sid) {
      // A new session: what this window still holds was numbered for the
      // old one, which the server no longer resumes. Start again at seq 1,
      // and give the new session a snapshot if this page's went elsewhere.
      this.held.filter(() => false);
      ctr.seq = 0;
      if (this.cutOnPage) {
        this.dropPending();
        this.wantSnapshot = true;
      }
    }
    ctr.sid = sid;
    ctr.token = token;
    ctr.seq = Math.max(ctr.seq, seq | 0); // never reuse a seq the server has
    ctr.save();
    this.held.filter((b) => b.seq > seq);
    const first = this.held.list[0];
    if (this.refused && first && first.seq === this.refused) {
      const gap = enc(gapEvent('refused', first.n, now));
      this.held.replace(first, batchFrame(first.seq, list([gap])), 1);
    }
    this.refused = 0;
    const clash = this.held.list[0];
    if (this.conflict && clash && clash.seq === this.conflict) {
      // The server keeps other events under this seq: re-sending (or a gap under
      // the same seq) would conflict forever. Drop it; a gap marker goes out in
      // the next batch, under a new seq, so the replay shows what is missing.
      this.held.filter((b) => b !== clash);
      this.pending.addFirst(enc(gapEvent('conflict', clash.n, now)), now);
    }
    this.conflict = 0;
    for (const b of this.held.list) {
      b.sent = false;
      b.parts = undefined; // a new socket: every part again
      b.next = 0;
    }
  }

  /**
   * The server closed the socket on a frame it refused. Batches go out in
   * seq order and are answered in order, so it is the oldest one sent and
   * not acknowledged; the next welcome replaces it.
   */
  noteRefused() {
    const first = this.held.list[0];
    if (first && (first.sent || first.next)) this.refused = first.seq;
  }

  /** The server closed the socket on a batch whose seq it holds with other events. */
  noteConflict() {
    const first = this.held.list[0];
    if (first && (first.sent || first.next)) this.conflict = first.seq;
  }

  /** @param {number} seq */
  acked(seq) {
    this.held.filter((b) => b.seq !== seq);
  }
}
