// Following an active session live (issue 13). The player stays near the
// visitor's newest event; how far the visitor has got is counted from when
// the newest events arrived here, never from their timestamps alone (those
// are the visitor's clock, which may be wrong): the live edge is the newest
// event's offset plus the time since it arrived.
import { clock } from './entries.js';

// The player plays the last moment before the newest event instead of jumping
// straight to it (a quarter second: the visitor is never more than a flush away).
export const FOLLOW_BEHIND_MS = 250;
// Further behind the newest event than this while following: jump closer.
export const FOLLOW_SLACK_MS = 1500;
// No event for this long: the visitor is idle.
export const IDLE_AFTER_MS = 30_000;
// A page left (its last record) and nothing after it for this long: gone.
export const LEFT_AFTER_MS = 5_000;

const PLUGIN = 6; // rrweb EventType.Plugin
const PAGE_PLUGIN = 'session-replay/page@1';

/** @param {any} e a record of the page plugin (load, visibility, vitals, leave) */
const pageRecord = (e) => !!e && e.type === PLUGIN && !!e.data && e.data.plugin === PAGE_PLUGIN && !!e.data.payload;

/** @param {any} e whether an event is the recorder's record of a page left */
export const isLeave = (e) => pageRecord(e) && e.data.payload.kind === 'leave';

/**
 * Whether the visitor left with these events: a page left, followed only by
 * what the page reports as it goes (its last web vitals, its visibility).
 * Null when the events hold nothing but such reports: they tell nothing new.
 * @param {unknown[]} events
 * @returns {boolean | null}
 */
export function endsWithLeave(events) {
  for (let i = events.length - 1; i >= 0; i--) {
    if (isLeave(events[i])) return true;
    if (!pageRecord(events[i])) return false;
  }
  return null;
}

/**
 * @typedef {Object} PlayerPosition
 * @property {number} current ms since the start
 * @property {number} total ms, the newest event's offset
 * @property {boolean} playing
 */

export class LiveEdge {
  /** @param {() => number} [now] ms, a monotonic clock */
  constructor(now = () => performance.now()) {
    this.now = now;
    // On from the start; a seek back turns it off, "Jump to live" on again.
    this.following = true;
    /** @type {number | null} when the newest events arrived */
    this.arrived = null;
    // The newest event is a page left.
    this.leaving = false;
    this.ended = false;
  }

  /** Events came (live or stored). @param {unknown[]} events */
  arrive(events) {
    if (!events.length) return;
    this.arrived = this.now();
    const left = endsWithLeave(events);
    if (left !== null) this.leaving = left;
  }

  /**
   * Where the player should go to stay with the visitor, or null to let it
   * play on: while following, when it stopped at the end or fell behind.
   * @param {PlayerPosition} p
   * @returns {number | null}
   */
  target(p) {
    if (!this.following) return null;
    if (p.playing && p.total - p.current <= FOLLOW_SLACK_MS) return null;
    const to = Math.max(0, p.total - FOLLOW_BEHIND_MS);
    return p.playing && to <= p.current ? null : Math.max(to, Math.min(p.current, p.total));
  }

  /** The live edge as a player offset. @param {number} total */
  edge(total) {
    return this.arrived === null ? total : total + (this.now() - this.arrived);
  }

  /** What the watcher is told about the visitor, or '' while they are active. */
  status() {
    if (this.arrived === null) return this.ended ? 'The session has ended.' : '';
    const quiet = this.now() - this.arrived;
    if (this.ended) return 'The visitor left: the session has ended.';
    if (this.leaving && quiet >= LEFT_AFTER_MS) return 'The visitor left the page.';
    if (quiet >= IDLE_AFTER_MS) return `The visitor has been idle for ${clock(quiet)}.`;
    return this.following ? 'Following the visitor live.' : '';
  }
}
