// One WebSocket to the ingest server: hello / welcome / ack, reconnecting
// with jittered exponential backoff. It fails silently (the page must never
// see an error from us) and paces its sends below the server's rate limits.
import { enc } from './codec.js';
import { decode } from './decode.js';

// bad_key, origin_forbidden, unsupported_version: retrying cannot help.
const FATAL = [4004, 4005, 4007];
const BACKOFF_MS = 500;
const BACKOFF_MAX_MS = 30000;
// The server allows 50 frames and 4 MiB per second by default; stay at half
// so re-sending a large backlog after a reconnect is not rate_limited.
const RATE_FRAMES = 25;
const RATE_BYTES = 2 << 20;

export class Transport {
  /**
   * h.hello() -> hello frame object; h.welcome(msg); h.ack(seq);
   * h.closed(code, wasWelcomed); h.drain() when sending may go on.
   */
  constructor(url, h) {
    this.url = url;
    this.h = h;
    this.ws = null;
    this.ready = false; // welcomed on the current socket
    this.want = false; // we want a connection
    this.fatal = false;
    this.tries = 0;
    this.timer = 0;
    this.winStart = 0;
    this.winFrames = 0;
    this.winBytes = 0;
    this.drainTimer = 0;
  }

  open() {
    this.want = true;
    if (this.fatal || this.ws) return;
    clearTimeout(this.timer);
    this.timer = 0;
    let ws;
    try {
      ws = new WebSocket(this.url);
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
        this.h.welcome(msg);
      } else if (msg.t === 'ack') {
        this.tries = 0; // the server is taking data: the link is healthy
        this.h.ack(msg.seq);
      }
      // `error` frames are followed by a close with the code we act on.
    };
    ws.onerror = () => {}; // a close event always follows
    ws.onclose = (e) => {
      if (ws !== this.ws) return;
      this.ws = null;
      this.ready = false;
      if (welcomedAt && Date.now() - welcomedAt > 10000) this.tries = 0;
      if (FATAL.indexOf(e.code) >= 0) this.fatal = true;
      this.h.closed(e.code, !!welcomedAt);
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
    clearTimeout(this.timer);
    this.timer = 0;
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    if (ws) this.shut(ws);
  }

  shut(ws) {
    try {
      ws.close(1000);
    } catch (e) {
      /* already closing */
    }
  }

  raw(ws, bytes) {
    try {
      ws.send(bytes);
      return true;
    } catch (e) {
      return false;
    }
  }

  /** Sends a frame if welcomed and within the pacing budget; else false. */
  send(bytes) {
    if (!this.ready) return false;
    const now = Date.now();
    if (now - this.winStart >= 1000) {
      this.winStart = now;
      this.winFrames = 0;
      this.winBytes = 0;
    }
    if (this.winFrames >= RATE_FRAMES || (this.winBytes && this.winBytes + bytes.length > RATE_BYTES)) {
      if (!this.drainTimer) {
        this.drainTimer = setTimeout(() => {
          this.drainTimer = 0;
          this.h.drain();
        }, this.winStart + 1000 - now);
      }
      return false;
    }
    if (!this.raw(this.ws, bytes)) return false;
    this.winFrames++;
    this.winBytes += bytes.length;
    return true;
  }
}
