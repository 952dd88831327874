// Who is recording: the tab (window id + its seq counter, in sessionStorage)
// and the visitor (a long-lived id in localStorage). Ids are checked against
// the server's id rule, which the config carries (protocol.idPattern).

import { heldPrefix } from './held.js';

/** @typedef {import('./storage.js').Store} Store */

// A tab opened by window.open (or "Duplicate tab") starts with a copy of its
// opener's sessionStorage, window id, seq counter and held batches included.
// Two tabs numbering batches in one window would collide on the server (a
// re-sent seq is acknowledged, not stored), so the owner of a window id keeps
// a fresh mark in localStorage and a copy that sees it takes an id of its own.
// The mark counts as fresh for LIVE_MS and is renewed every BEAT_MS, so an
// owner that is merely busy for a moment is not mistaken for a gone one.
const LIVE_MS = 3000;
const BEAT_MS = 1000;

// Storage keys (this client's own; the server never sees them).
const WIN_KEY = 'sr:win';
const VISITOR_KEY = 'sr:visitor';
/** @param {string} win */
const liveKey = (win) => 'sr:live:' + win;
/** @param {string} win */
const counterKey = (win) => 'sr:ctr:' + win;

/** 32 random hex digits. */
function randomId() {
  const a = new Uint8Array(16);
  crypto.getRandomValues(a);
  return Array.from(a, (x) => (x + 256).toString(16).slice(1)).join('');
}

/**
 * This tab's window id: survives reloads, not shared by tabs.
 * @param {Store} tab sessionStorage
 * @param {Store} local localStorage (ownership marks)
 * @param {RegExp} idRule the server's id rule
 * @param {number} [now]
 */
export function windowId(tab, local, idRule, now = Date.now()) {
  let id = tab.get(WIN_KEY);
  if (id && idRule.test(id)) {
    if (!ownedElsewhere(local, id, now)) return id;
    forgetCopy(tab, id);
  }
  id = randomId();
  tab.set(WIN_KEY, id);
  return id;
}

/**
 * @param {Store} local
 * @param {string} win
 * @param {number} now
 */
function ownedElsewhere(local, win, now) {
  const mark = local.getJSON(liveKey(win));
  return !!mark && Math.abs(now - mark.at) < LIVE_MS;
}

/**
 * The opener owns these batches and delivers them; the copy drops its copies.
 * @param {Store} tab
 * @param {string} win
 */
function forgetCopy(tab, win) {
  tab.del(counterKey(win));
  for (const k of tab.keys(heldPrefix(win))) tab.del(k);
}

/**
 * Marks `win` as owned by this page until it is hidden for good.
 * @param {string} win
 * @param {Store} local
 */
export function keepOwnership(win, local) {
  const key = liveKey(win);
  let timer = 0;
  let stopped = false;
  const beat = () => local.setJSON(key, { at: Date.now() });
  const begin = () => {
    if (stopped) return;
    beat();
    if (!timer) timer = setInterval(beat, BEAT_MS);
  };
  const end = () => {
    clearInterval(timer);
    timer = 0;
    local.del(key); // a reload or the next page of this tab takes it again
  };
  begin();
  addEventListener('pagehide', end);
  addEventListener('pageshow', (e) => {
    if (e.persisted) begin(); // back from the back/forward cache
  });
  /** Stops for good (consent withdrawn). */
  return () => {
    stopped = true;
    end();
  };
}

/**
 * The visitor id, kept in localStorage across sessions. The server binds
 * resume tokens to it (hello and ingest `visitor` field) and lets staff find
 * a visitor's sessions. In memory only when storage is off.
 */
export class Visitor {
  /**
   * @param {Store} local
   * @param {RegExp} idRule
   */
  constructor(local, idRule) {
    this.local = local;
    this.idRule = idRule;
    /** @type {string | null} */
    this.mem = null;
  }

  /** Read on every call: another tab may have set it first. */
  id() {
    let id = this.local.get(VISITOR_KEY);
    if (id && this.idRule.test(id)) return id;
    id = this.mem || randomId();
    this.mem = id;
    this.local.set(VISITOR_KEY, id);
    return id;
  }
}

/**
 * The seq counter of this window, with the session it counts in: seq starts
 * again at 1 when the window moves to a new session. `token` is that
 * session's resume token (used by the page-hide beacon).
 */
export class Counter {
  /**
   * @param {string} win
   * @param {Store} tab
   */
  constructor(win, tab) {
    this.tab = tab;
    this.k = counterKey(win);
    const c = tab.getJSON(this.k) || {};
    /** @type {string | null} */
    this.sid = typeof c.sid === 'string' ? c.sid : null;
    /** @type {string | null} */
    this.token = typeof c.token === 'string' ? c.token : null;
    /** @type {number} */
    this.seq = c.seq > 0 ? c.seq : 0;
  }

  next() {
    this.seq++;
    this.save();
    return this.seq;
  }

  save() {
    this.tab.setJSON(this.k, { sid: this.sid, token: this.token, seq: this.seq });
  }
}
