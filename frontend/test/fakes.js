// Small stand-ins for what only a browser has: Web Storage, a WebSocket, and
// the config the server renders into the page.
import { readFileSync } from 'node:fs';
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

/**
 * What the server's template tag renders with the default settings
 * (server-config.json; tests/test_recorder.py checks it still is).
 */
export function serverConfig() {
  return JSON.parse(readFileSync(new URL('./server-config.json', import.meta.url), 'utf8'));
}

/** A document.cookie that keeps what was written: the jar, and every write. */
export function cookieJar() {
  const jar = new Map();
  const writes = [];
  return {
    jar,
    writes,
    get cookie() {
      return [...jar].map(([k, v]) => `${k}=${v.value}`).join('; ');
    },
    set cookie(s) {
      writes.push(s);
      const [pair, ...attrs] = s.split('; ');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      const maxAge = Number((attrs.find((a) => a.startsWith('max-age=')) || 'max-age=-1').slice(8));
      if (maxAge <= 0) jar.delete(name);
      else jar.set(name, { value, attrs });
    },
  };
}
