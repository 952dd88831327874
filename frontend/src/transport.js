// One WebSocket to the ingest server: hello / welcome / ack, reconnecting
// with jittered exponential backoff. It fails silently (the page must never
// see an error from us) and paces its sends below the server's rate limits.
// What a close code means (final, refused batch, full session) comes from the
// server, through the config's `protocol`.
import { enc } from './codec.js';
import { decode } from './decode.js';

// Reconnect delays: this client's choice, not the server's.
const BACKOFF_MS = 500;
const BACKOFF_MAX_MS = 30000;
// A connection that stayed welcomed this long was healthy: start the backoff over.
const HEALTHY_MS = 10000;
// The pacing window of the send budget (protocol.pace is per second).
const PACE_WINDOW_MS = 1000;

/**
 * @typedef {Object} CloseRules what the server's close codes mean
 * @property {number[]} fatal retrying cannot help: stop for this page
 * @property {number[]} refused the batch being sent was refused
 * @property {number} sessionFull the session takes nothing more
 * @property {number} [seqConflict] the server holds other events under the batch's seq
 * @property {{frames: number, bytes: number, rawBytes?: number}} pace send budget per second
 * @property {number} [pingMs] ping after this long without a frame (the server closes silent sockets)
 */

/**
 * @typedef {Object} Closed what a close means for the recorder
 * @property {number} code
 * @property {boolean} refused the server refused a batch of this (welcomed) socket
 * @property {boolean} sessionFull the next hello must start a new session
 * @property {boolean} conflict the batch being sent is held by the server with other events
 */

/**
 * @typedef {Object} TransportHandlers
 * @property {() => Record<string, unknown>} hello the hello frame to send
 * @property {(msg: {sid: string, token: string, seq: number, ctx?: string}) => void} welcome
 * @property {(seq: number) => void} ack
 * @property {(c: Closed) => void} closed
 * @property {() => void} drain sending may go on (the pacing window moved)
 */

/** @typedef {new (url: string) => WebSocket} SocketClass */

export class Transport {
  /**
   * @param {string} url
   * @param {TransportHandlers} h
   * @param {CloseRules} rules
   * @param {SocketClass} [Socket] the WebSocket class (tests pass a fake)
   */
  constructor(url, h, rules, Socket = WebSocket) {
    this.url = url;
    this.h = h;
    this.rules = rules;
    this.Socket = Socket;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.ready = false; // welcomed on the current socket
    this.want = false; // we want a connection
    this.fatal = false;
    this.tries = 0;
    /** @type {ReturnType<typeof setTimeout> | 0} */
    this.timer = 0;
    this.winStart = 0;
    this.winFrames = 0;
    this.winBytes = 0;
    this.winRaw = 0;
    /** @type {ReturnType<typeof setTimeout> | 0} */
    this.drainTimer = 0;
    /** @type {ReturnType<typeof setTimeout> | 0} */
    this.pingTimer = 0;
  }

  /** After a frame went out (or the socket was welcomed): ping once it has been quiet. */
  quiet() {
    const every = this.rules.pingMs;
    if (!every) return;
    clearTimeout(this.pingTimer);
    const ws = this.ws;
    this.pingTimer = setTimeout(() => {
      this.pingTimer = 0;
      if (ws !== this.ws || !this.ready || !ws) return;
      if (this.raw(ws, enc({ t: 'ping' }))) this.quiet();
    }, every);
  }

  open() {
    this.want = true;
    if (this.fatal || this.ws) return;
    clearTimeout(this.timer);
    this.timer = 0;
    /** @type {WebSocket} */
    let ws;
    try {
      ws = new this.Socket(this.url);
    } catch (e) {
      return this.retry();
    }
    this.ws = ws;
    ws.binaryType = 'arraybuffer';
    let welcomedAt = 0;
    ws.onopen = () => this.raw(ws, enc(this.h.hello()));
    ws.onmessage = (m) => {
      if (ws !== this.ws || typeof m.data === 'string') return;
      let msg;
      try {
        msg = decode(new Uint8Array(m.data));
      } catch (e) {
        return;
      }
      if (!msg || typeof msg !== 'object') return;
      if (msg.t === 'welcome') {
        this.ready = true;
        welcomedAt = Date.now();
        this.quiet();
        this.h.welcome(msg);
      } else if (msg.t === 'ack') {
        this.tries = 0; // the server is taking data: the link is healthy
        this.h.ack(msg.seq);
      }
      // `pong` needs no answer; `error` frames are followed by a close with the
      // code we act on.
    };
    ws.onerror = () => {}; // a close event always follows
    ws.onclose = (e) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.ready = false;
      clearTimeout(this.pingTimer);
      if (welcomedAt && Date.now() - welcomedAt > HEALTHY_MS) this.tries = 0;
      const r = this.rules;
      if (r.fatal.indexOf(e.code) >= 0) this.fatal = true;
      this.h.closed({
        code: e.code,
        // Before welcome no batch was sent, so none can have been refused.
        refused: !!welcomedAt && r.refused.indexOf(e.code) >= 0,
        sessionFull: e.code === r.sessionFull,
        conflict: !!welcomedAt && e.code === r.seqConflict,
      });
      this.retry();
    };
  }

  retry() {
    if (!this.want || this.fatal || this.timer || this.ws) return;
    // Full jitter: a random delay up to the capped exponential step.
    const step = Math.min(BACKOFF_MAX_MS, BACKOFF_MS * 2 ** Math.min(this.tries++, 16));
    this.timer = setTimeout(() => {
      this.timer = 0;
      this.open();
    }, Math.random() * step);
  }

  /** Reconnect now if we are waiting out a backoff (back online, page shown). */
  nudge() {
    if (this.want && !this.ws && this.timer) this.open();
  }

  /** Drop the current socket and start a new one (new hello, new session). */
  restart() {
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    if (ws) this.shut(ws);
    this.tries = 0;
    this.open();
  }

  close() {
    this.want = false;
    clearTimeout(this.pingTimer);
    clearTimeout(this.timer);
    this.timer = 0;
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    if (ws) this.shut(ws);
  }

  /** @param {WebSocket} ws */
  shut(ws) {
    try {
      ws.close(1000);
    } catch (e) {
      /* already closing */
    }
  }

  /**
   * @param {WebSocket} ws
   * @param {Uint8Array} bytes
   */
  raw(ws, bytes) {
    try {
      ws.send(bytes);
      return true;
    } catch (e) {
      return false;
    }
  }

  /**
   * Sends a frame if welcomed and within the pacing budget; else false.
   * @param {Uint8Array} bytes
   * @param {number} [raw] the events' size once inflated, when it is known
   */
  send(bytes, raw = 0) {
    if (!this.ready || !this.ws) return false;
    const now = Date.now();
    if (now - this.winStart >= PACE_WINDOW_MS) {
      this.winStart = now;
      this.winFrames = 0;
      this.winBytes = 0;
      this.winRaw = 0;
    }
    const pace = this.rules.pace;
    // The first frame of a window always goes, however large: it fits a
    // frame, so waiting would never make it fit the budget better.
    const overRaw = !!pace.rawBytes && this.winRaw > 0 && this.winRaw + raw > pace.rawBytes;
    if (this.winFrames >= pace.frames || (this.winBytes && this.winBytes + bytes.length > pace.bytes) || overRaw) {
      if (!this.drainTimer) {
        this.drainTimer = setTimeout(() => {
          this.drainTimer = 0;
          this.h.drain();
        }, this.winStart + PACE_WINDOW_MS - now);
      }
      return false;
    }
    if (!this.raw(this.ws, bytes)) return false;
    this.winFrames++;
    this.winBytes += bytes.length;
    this.winRaw += raw;
    this.quiet();
    return true;
  }
}
