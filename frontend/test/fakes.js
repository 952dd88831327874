// Small stand-ins for what only a browser has: Web Storage, a WebSocket, and
// the config the server renders into the page.
import { Store } from '../src/storage.js';

/**
 * An in-memory Storage. `full` makes every write throw, as a full quota or
 * Safari's private mode does.
 */
export class MemoryStorage {
  constructor() {
    this.map = new Map();
    this.full = false;
  }
  get length() {
    return this.map.size;
  }
  key(i) {
    return [...this.map.keys()][i] ?? null;
  }
  getItem(k) {
    return this.map.has(k) ? this.map.get(k) : null;
  }
  setItem(k, v) {
    if (this.full) throw new DOMException('quota', 'QuotaExceededError');
    this.map.set(k, String(v));
  }
  removeItem(k) {
    this.map.delete(k);
  }
}

/** A Store over a fresh MemoryStorage; the storage is `store.raw`. */
export function memoryStore() {
  const raw = new MemoryStorage();
  const store = new Store(() => raw);
  store.raw = raw;
  return store;
}

/**
 * A WebSocket the test drives by hand: every instance is kept in
 * FakeSocket.all, sent frames in `.sent`; open(), receive(), serverClose()
 * fire the handlers the code under test set.
 */
export class FakeSocket {
  static all = [];
  static reset() {
    FakeSocket.all = [];
  }
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.closedWith = null;
    this.listeners = {};
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    FakeSocket.all.push(this);
  }
  addEventListener(type, fn) {
    (this.listeners[type] ||= []).push(fn);
  }
  fire(type, e) {
    const handler = this['on' + type];
    if (handler) handler(e);
    for (const fn of this.listeners[type] || []) fn(e);
  }
  send(bytes) {
    if (this.closedWith !== null) throw new Error('socket closed');
    this.sent.push(bytes);
  }
  close(code) {
    this.closedWith = code;
  }
  open() {
    this.fire('open', {});
  }
  /** A binary frame from the server (an ArrayBuffer, as binaryType asks). */
  receive(u8) {
    this.fire('message', { data: u8.buffer.slice(u8.byteOffset, u8.byteOffset + u8.byteLength) });
  }
  serverClose(code) {
    this.fire('close', { code });
  }
}

/** What the server's template tag renders (a literal: the tests' own copy). */
export function serverConfig() {
  return {
    v: 1,
    ws: '/ws/session-replay/',
    ingest: '/session-replay/api/ingest',
    key: 'site-key',
    autostart: true,
    sampleRate: 1,
    maskAllInputs: true,
    maskTextSelector: null,
    blockSelector: null,
    flushIntervalMs: 2000,
    flushBytes: 65536,
    maxFrameBytes: 1048576,
    maxBufferBytes: 2097152,
    idleTimeoutMs: 1800000,
    maxDurationMs: 43200000,
    checkoutEveryNms: 300000,
    protocol: {
      codes: {
        bad_frame: 4000,
        unknown_type: 4001,
        invalid_field: 4002,
        frame_too_large: 4003,
        bad_key: 4004,
        origin_forbidden: 4005,
        hello_required: 4006,
        unsupported_version: 4007,
        rate_limited: 4008,
        session_full: 4009,
        bad_token: 4010,
        server_error: 4011,
        forbidden: 4403,
      },
      fatal: [4004, 4005, 4007],
      refused: [4000, 4002, 4003],
      sessionFull: 4009,
      idPattern: '^[A-Za-z0-9_-]{1,64}$',
      pace: { frames: 25, bytes: 2097152 },
    },
  };
}
