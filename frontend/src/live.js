// Live viewing of an active session: the server sends each batch it stores
// as a msgpack frame {t: "events", win, seq, events} over a WebSocket.
import { decode } from './decode.js';
import { wsUrl } from './config.js';

// How long the stored events wait for the live socket to subscribe.
const SUBSCRIBE_WAIT_MS = 3000;

/**
 * @typedef {Object} LiveOptions
 * @property {string} url the live socket's path or URL
 * @property {string | null | (() => string | null)} win only this window's
 *   batches are kept (null: all); a function names the window shown now, which
 *   changes when the replay goes on in another tab
 * @property {(events: unknown[]) => void} onEvents
 * @property {(state: 'on' | 'off') => void} onState
 * @property {new (url: string) => WebSocket} [Socket] the WebSocket class (tests pass a fake)
 * @property {string} [base] the page's URL
 */

/**
 * Opens the live socket. Returns a promise that settles once it is
 * subscribed (or failed, or after 3 s): reading the stored events only then
 * means no batch falls between the two.
 * @param {LiveOptions} o
 * @returns {Promise<unknown>}
 */
export function openLive(o) {
  const Socket = o.Socket || WebSocket;
  /** @type {WebSocket} */
  let ws;
  try {
    ws = new Socket(wsUrl(o.url, o.base || location.href));
  } catch (e) {
    o.onState('off');
    return Promise.resolve();
  }
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => o.onState('on');
  ws.onclose = () => o.onState('off');
  ws.onmessage = (m) => {
    if (typeof m.data === 'string') return;
    try {
      const f = decode(new Uint8Array(m.data));
      const win = typeof o.win === 'function' ? o.win() : o.win;
      if (f && f.t === 'events' && Array.isArray(f.events) && (!win || f.win === win)) o.onEvents(f.events);
    } catch (e) {
      /* a frame we cannot read: skip it */
    }
  };
  return new Promise((resolve) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('close', resolve);
    setTimeout(resolve, SUBSCRIBE_WAIT_MS);
  });
}

// The replayer adds a `delay` field to the events it holds: leave it out
// when comparing a live event with a stored one.
/** @param {unknown} e */
const withoutDelay = (e) => JSON.stringify(e, (k, v) => (k === 'delay' ? undefined : v));

/**
 * A batch stored while the NDJSON was being read can reach the player twice:
 * in the NDJSON and as a live frame. The stored events are remembered by
 * timestamp, and a live event equal to one of them is a duplicate.
 */
export class StoredEvents {
  constructor() {
    /** @type {Map<number, unknown[]>} */
    this.byTime = new Map();
  }

  /** @param {any} e a value read from the NDJSON */
  add(e) {
    if (!e || typeof e.timestamp !== 'number') return;
    const same = this.byTime.get(e.timestamp);
    if (same) same.push(e);
    else this.byTime.set(e.timestamp, [e]);
  }

  /**
   * True when a stored event equals `e`; that stored copy is used up, so a
   * second equal live event is kept.
   * @param {any} e a live event
   */
  takeDuplicate(e) {
    /** @type {unknown[] | undefined} */
    const same = e ? this.byTime.get(e.timestamp) : undefined;
    if (!same) return false;
    const json = withoutDelay(e);
    const i = same.findIndex((x) => withoutDelay(x) === json);
    if (i < 0) return false;
    same.splice(i, 1);
    return true;
  }
}
