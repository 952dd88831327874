// The events the player gets, in the order they come. The player can only
// start from a Meta event and a FullSnapshot; until both are in, events
// collect in `initial` (sorted once, at start), afterwards in `later`.

const META = 4; // rrweb EventType.Meta
const FULL_SNAPSHOT = 2; // rrweb EventType.FullSnapshot

/** @typedef {import('@rrweb/types').eventWithTime} RrwebEvent */

/**
 * Whether a value read from JSON or msgpack can be handed to the replayer.
 * @param {any} e
 * @returns {e is RrwebEvent}
 */
export const isEvent = (e) => !!e && typeof e.type === 'number' && typeof e.timestamp === 'number';

export class Timeline {
  /**
   * @param {() => void} onReady called when the player can start; it must
   *   call begin(), or the next event calls it again
   */
  constructor(onReady) {
    this.onReady = onReady;
    this.count = 0; // events accepted
    this.bad = 0; // lines or values that are not events
    /** @type {RrwebEvent | null} the first Meta: the recorded viewport */
    this.meta = null;
    this.hasSnapshot = false;
    /** @type {RrwebEvent[] | null} until begin() */
    this.initial = [];
    /** @type {RrwebEvent[]} after begin() */
    this.later = [];
  }

  get started() {
    return this.initial === null;
  }

  /** @param {unknown} e */
  accept(e) {
    if (!isEvent(e)) {
      this.bad++;
      return;
    }
    this.count++;
    if (!this.initial) {
      this.later.push(e);
      return;
    }
    this.initial.push(e);
    if (e.type === META && !this.meta) this.meta = e;
    if (e.type === FULL_SNAPSHOT) this.hasSnapshot = true;
    if (this.meta && this.hasSnapshot) this.onReady();
  }

  /**
   * One NDJSON line. Returns its value (to remember it), or undefined when
   * the line is blank or not JSON.
   * @param {string} text
   * @returns {unknown}
   */
  line(text) {
    if (!text.trim()) return undefined;
    let e;
    try {
      e = JSON.parse(text);
    } catch (err) {
      this.bad++;
      return undefined;
    }
    this.accept(e);
    return e;
  }

  /** The events to start the player with, by time; those after go to `later`. */
  begin() {
    const events = this.initial || [];
    events.sort((a, b) => a.timestamp - b.timestamp);
    this.initial = null;
    return events;
  }

  /** The events that came since the last call. */
  takeLater() {
    const events = this.later;
    this.later = [];
    return events;
  }
}
