// The exported HTML file's player (GET /session-replay/api/sessions/{id}/export.html,
// src/django_session_replay/export.py): the session's events are in the page, one
// list per window, as gzipped JSON in base64 in <script type="application/gzip">,
// inflated here by the browser's DecompressionStream. This plays one
// window at a time with rrweb-player (view.js), in rrweb's sandboxed iframe;
// a row of buttons picks the window when there is more than one. Nothing is
// fetched: the file plays from disk, offline.
import { statusLine } from './status.js';
import { mountPlayer } from './view.js';

/** @typedef {import('@rrweb/types').eventWithTime} RrwebEvent */

const META = 4; // rrweb EventType.Meta
const FULL_SNAPSHOT = 2; // rrweb EventType.FullSnapshot

/**
 * @typedef {Object} ExportWindow
 * @property {string} id the window (tab) id
 * @property {RrwebEvent[]} events by time
 * @property {RrwebEvent | null} meta the first Meta event: the recorded viewport
 * @property {boolean} playable a Meta and a FullSnapshot are there
 * @property {number} skipped values that are no event
 */

/**
 * Whether a value read from JSON can be handed to the replayer.
 * @param {any} e
 * @returns {e is RrwebEvent}
 */
const isEvent = (e) => !!e && typeof e.type === 'number' && typeof e.timestamp === 'number';

/**
 * The windows of the embedded data, each with its events sorted by time (a
 * stable sort: events of one moment keep their recorded order).
 * @param {Record<string, any> | null} data
 * @returns {ExportWindow[]}
 */
export function exportWindows(data) {
  const windows = data && Array.isArray(data.windows) ? data.windows : [];
  /** @type {ExportWindow[]} */
  const out = [];
  for (const w of windows) {
    if (!w || typeof w.id !== 'string' || !Array.isArray(w.events)) continue;
    /** @type {RrwebEvent[]} */
    const events = w.events.filter(isEvent);
    events.sort((a, b) => a.timestamp - b.timestamp);
    const meta = events.find((e) => e.type === META) || null;
    const playable = !!meta && events.some((e) => e.type === FULL_SNAPSHOT);
    out.push({ id: w.id, events, meta, playable, skipped: w.events.length - events.length });
  }
  return out;
}

/** @param {number} n @param {string} word */
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The label of a window's button: its number, id and size.
 * @param {ExportWindow} w
 * @param {number} index
 */
export function windowLabel(w, index) {
  return `Window ${index + 1} (${w.id}): ${plural(w.events.length, 'event')}`;
}

/**
 * The status text once a window is shown.
 * @param {ExportWindow} w
 */
export function windowStatus(w) {
  if (!w.events.length) return 'No events recorded in this window';
  let text = plural(w.events.length, 'event');
  if (!w.playable) text += ': no Meta and full snapshot, so not enough to replay';
  if (w.skipped) text += `, ${plural(w.skipped, 'unreadable value')} skipped`;
  return text;
}

/**
 * The embedded data: base64 of gzipped JSON, inflated without any network.
 * @param {string} text
 * @returns {Promise<Record<string, any> | null>} null when it is no such thing
 */
export async function unpack(text) {
  try {
    const bytes = Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));
    const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    const data = JSON.parse(await new Response(inflated).text());
    return data && typeof data === 'object' ? data : null;
  } catch (e) {
    return null;
  }
}

async function main() {
  const root = document.getElementById('session-replay-player');
  if (!root) return;
  const setStatus = statusLine(root);
  const holder = document.getElementById('session-replay-export');
  const data = holder ? await unpack(holder.textContent || '') : null;
  if (!data) return setStatus('The recording in this file cannot be read.', true);
  const windows = exportWindows(data);
  if (!windows.length) return setStatus('No events recorded in this session');

  const nav = document.getElementById('session-replay-export-windows');
  /** @type {HTMLButtonElement[]} */
  const buttons = [];
  /** @type {{$destroy?: () => void} | null} */
  let player = null;

  /** @param {number} index */
  const show = (index) => {
    const w = windows[index];
    buttons.forEach((b, i) => b.setAttribute('aria-pressed', String(i === index)));
    if (player && player.$destroy) player.$destroy();
    player = null;
    root.textContent = '';
    setStatus(windowStatus(w), !w.playable);
    // Without a snapshot there is nothing to draw; with one event, no timeline.
    if (w.playable && w.events.length >= 2) {
      player = /** @type {any} */ (mountPlayer(root, w.events.slice(), w.meta));
    }
  };

  if (nav && windows.length > 1) {
    windows.forEach((w, index) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = windowLabel(w, index);
      button.addEventListener('click', () => show(index));
      buttons.push(button);
      nav.appendChild(button);
    });
    nav.hidden = false;
  }
  show(0);
}

if (typeof document !== 'undefined') {
  main().catch((err) => {
    const el = document.getElementById('session-replay-status');
    if (el) el.textContent = `Player error: ${(err && /** @type {Error} */ (err).message) || err}`;
  });
}
