// The visitor's session, shared by all their tabs through localStorage: its
// id, resume token, start and last activity. It decides whether the next
// hello may resume it (not idle too long, not too old: the server's limits,
// from the config) and when an active page must leave it for a new one.
// A copy is kept in memory, so a refused write (quota, privacy mode) only
// costs the sharing between tabs.

/** @typedef {import('./storage.js').Store} Store */
/** @typedef {{token: string, sid: string, start: number, last: number}} SessionRecord */
/** @typedef {{idleTimeoutMs: number, maxDurationMs: number}} SessionLimits */

const SESSION_KEY = 'sr:session'; // localStorage key, this client's own
// Activity is written at most this often: storage writes are synchronous,
// and rrweb can emit hundreds of events a second.
const TOUCH_EVERY_MS = 1000;

export class Session {
  /**
   * @param {Store} local localStorage
   * @param {SessionLimits} limits the server's idle timeout and maximum duration
   */
  constructor(local, limits) {
    this.local = local;
    this.limits = limits;
    /** @type {SessionRecord | null} */
    this.mem = null;
    this.lsOff = false; // localStorage refused a write: trust only `mem`
    this.lastTouch = 0;
  }

  /** @returns {SessionRecord | null} */
  read() {
    const s = this.local.getJSON(SESSION_KEY);
    return s && typeof s.token === 'string' ? s : null;
  }

  /** The record every tab shares, or this page's copy when storage is off. */
  current() {
    return (!this.lsOff && this.read()) || this.mem;
  }

  /** @param {SessionRecord} s */
  write(s) {
    this.mem = s;
    if (!this.local.setJSON(SESSION_KEY, s)) this.lsOff = true;
  }

  /**
   * Whether a session can no longer be resumed (idle or too long).
   * @param {SessionRecord} s
   * @param {number} now
   */
  expired(s, now) {
    return now - s.last > this.limits.idleTimeoutMs || now - s.start > this.limits.maxDurationMs;
  }

  /**
   * The token for the next hello: null asks the server for a new session.
   * @param {number} now
   */
  resumeToken(now) {
    const s = this.current();
    return s && !this.expired(s, now) ? s.token : null;
  }

  /**
   * The server welcomed this page into session `sid`.
   * @param {string} sid
   * @param {string} token
   * @param {number} now
   */
  welcomed(sid, token, now) {
    const s = this.current();
    this.write({ token, sid, start: s && s.sid === sid ? s.start : now, last: now });
  }

  /**
   * Notes activity in session `sid`. Returns true when the page must leave
   * it: it expired, or another tab already moved to a new session (a new
   * hello then picks the right token, or none).
   * @param {string | null} sid the session this window counts in
   * @param {number} now
   */
  touch(sid, now) {
    if (now - this.lastTouch < TOUCH_EVERY_MS) return false;
    this.lastTouch = now;
    const s = this.current();
    if (!s) return false;
    if (s.sid !== sid || this.expired(s, now)) return true;
    s.last = now;
    this.write(s);
    return false;
  }

  /**
   * The server takes nothing more in `sid`: the next hello starts a new one.
   * @param {string | null} sid
   */
  forget(sid) {
    const s = this.read();
    if (s && s.sid === sid) this.local.del(SESSION_KEY); // only if no other tab moved on
    this.mem = null;
  }
}
