// Who is recording: the tab (window id + its seq counter, in sessionStorage)
// and the visitor's session (resume token + times, in localStorage so every
// tab of the visitor joins the same session).
import * as st from './storage.js';

const SS = 'sessionStorage';
const LS = 'localStorage';
const SESSION_KEY = 'sr:session';

function randomId() {
  const a = new Uint8Array(16);
  crypto.getRandomValues(a);
  return Array.from(a, (x) => (x + 256).toString(16).slice(1)).join('');
}

const ID = /^[A-Za-z0-9_-]{1,64}$/; // the server's window id rule (docs/protocol.md)

// A tab opened by window.open (or "Duplicate tab") starts with a copy of its
// opener's sessionStorage, window id, seq counter and held batches included.
// Two tabs numbering batches in one window would collide on the server (a
// re-sent seq is acknowledged, not stored), so the owner of a window id keeps
// a fresh mark in localStorage and a copy that sees it takes an id of its own.
const LIVE_MS = 3000;
const BEAT_MS = 1000;

/** This tab's window id, [0-9a-f]{32}: survives reloads, not shared by tabs. */
export function windowId() {
  let id = st.get(SS, 'sr:win');
  const valid = id && ID.test(id);
  if (valid && !ownedElsewhere(id)) return id;
  if (valid) forgetCopy(id);
  id = randomId();
  st.set(SS, 'sr:win', id);
  return id;
}

function ownedElsewhere(win) {
  const mark = st.getJSON(LS, 'sr:live:' + win);
  return !!mark && Math.abs(Date.now() - mark.at) < LIVE_MS;
}

/** The opener owns these batches and delivers them; the copy drops its copies. */
function forgetCopy(win) {
  st.del(SS, 'sr:ctr:' + win);
  for (const k of st.keys(SS, 'sr:b:' + win + ':')) st.del(SS, k);
}

/** Marks `win` as owned by this page until it is hidden for good. */
export function keepOwnership(win) {
  const key = 'sr:live:' + win;
  let timer = 0;
  const beat = () => st.setJSON(LS, key, { at: Date.now() });
  const begin = () => {
    beat();
    if (!timer) timer = setInterval(beat, BEAT_MS);
  };
  begin();
  addEventListener('pagehide', () => {
    clearInterval(timer);
    timer = 0;
    st.del(LS, key); // a reload or the next page of this tab takes it again
  });
  addEventListener('pageshow', (e) => {
    if (e.persisted) begin(); // back from the back/forward cache
  });
}

/**
 * The visitor id, [0-9a-f]{32}, kept in localStorage across sessions. The
 * server binds resume tokens to it (hello and ingest `visitor` field) and
 * lets staff find a visitor's sessions. In memory only when storage is off.
 */
let memVisitor = null;
export function visitorId() {
  let id = st.get(LS, 'sr:visitor');
  if (id && ID.test(id)) return id;
  id = memVisitor || randomId();
  memVisitor = id;
  st.set(LS, 'sr:visitor', id);
  return id;
}

/**
 * The seq counter of this window, with the session it counts in: seq starts
 * again at 1 when the window moves to a new session. `token` is that
 * session's resume token (used by the page-hide beacon).
 */
export class Counter {
  constructor(win) {
    this.k = 'sr:ctr:' + win;
    const c = st.getJSON(SS, this.k) || {};
    this.sid = typeof c.sid === 'string' ? c.sid : null;
    this.token = typeof c.token === 'string' ? c.token : null;
    this.seq = c.seq > 0 ? c.seq : 0;
  }

  next() {
    this.seq++;
    this.save();
    return this.seq;
  }

  save() {
    st.setJSON(SS, this.k, { sid: this.sid, token: this.token, seq: this.seq });
  }
}

/** {token, sid, start, last} shared by the visitor's tabs, or null. */
export function readSession() {
  const s = st.getJSON(LS, SESSION_KEY);
  return s && typeof s.token === 'string' ? s : null;
}

/** Returns false when localStorage refused the write. */
export function writeSession(s) {
  return st.setJSON(LS, SESSION_KEY, s);
}

export function clearSession(sid) {
  const s = readSession();
  if (s && s.sid === sid) st.del(LS, SESSION_KEY); // only if no other tab moved on
}

/** Whether a session can no longer be resumed (idle or too long). */
export function expired(s, now, cfg) {
  return now - s.last > cfg.idleTimeoutMs || now - s.start > cfg.maxDurationMs;
}
