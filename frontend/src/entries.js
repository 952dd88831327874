// Pure helpers of the replay workspace (workspace.js): what the timeline API's
// entries and the recording's events mean for the markers, the panels and the
// clock. No DOM here, so node's test runner checks them (test/workspace.test.js).

/**
 * A row of GET /session-replay/api/sessions/{id}/timeline (TimelineEntryOut),
 * or a note made to look like one (kind "note").
 * @typedef {Object} Entry
 * @property {number} ts ms since the epoch, on the recording's clock
 * @property {string} kind
 * @property {string} window
 * @property {string} label
 * @property {string} level
 * @property {Record<string, any>} detail
 */

/** @typedef {import('@rrweb/types').eventWithTime} RrwebEvent */

// The kinds drawn on the bar. Console messages and requests only when they
// failed: a page logs and fetches far too often for each to be a marker.
const MARKED = new Set([
  'click',
  'rage_click',
  'dead_click',
  'error_click',
  'thrashing',
  'quick_back',
  'js_error',
  'page_view',
  'custom',
  'server_request',
  'server_exception',
  'note',
]);
const MARKED_WHEN_ERROR = new Set(['console', 'network']);

/**
 * Whether an entry is a marker on the timeline bar.
 * @param {Entry} e
 */
export function isMarker(e) {
  return MARKED.has(e.kind) || (MARKED_WHEN_ERROR.has(e.kind) && e.level === 'error');
}

/**
 * The marker's colour class: errors red, warnings amber, the rest by kind.
 * @param {Entry} e
 */
export function markerLevel(e) {
  if (e.level === 'error' || e.kind === 'js_error' || e.kind === 'server_exception' || e.kind === 'error_click') return 'error';
  if (e.level === 'warn' || e.level === 'warning' || e.kind === 'rage_click' || e.kind === 'dead_click') return 'warn';
  if (e.kind === 'note') return 'note';
  if (e.kind === 'page_view') return 'nav';
  if (e.kind === 'custom') return 'custom';
  return 'info';
}

/**
 * `m:ss` (or `h:mm:ss`) of a duration in ms, as admin's human_duration prints it.
 * @param {number} ms
 */
export function clock(ms) {
  const total = Math.max(0, Math.floor((ms || 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * A time on the clock of the tab shown, which another tab's moment may fall
 * before (that tab opened first): "−0:05" then, else as clock() prints it.
 * @param {number} ms
 */
export function signedClock(ms) {
  return ms <= -1000 ? `−${clock(-ms)}` : clock(ms);
}

/**
 * The accessible name of a marker: "<Kind> at m:ss: <label>".
 * @param {Entry} e
 * @param {number} startTime the player's time 0, epoch ms
 * @param {Record<string, string>} labels kind -> its name (the server's)
 */
export function markerName(e, startTime, labels) {
  const kind = labels[e.kind] || e.kind;
  return `${kind} at ${signedClock(e.ts - startTime)}: ${e.label}`;
}

/**
 * The index of the last entry at or before `ts` (the current one), or -1.
 * Entries are in time order.
 * @param {Entry[]} entries
 * @param {number} ts epoch ms
 */
export function currentIndex(entries, ts) {
  let lo = 0;
  let hi = entries.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid].ts <= ts) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The page shown at `ts`: the last page view at or before it (before the first
 * one, which is sent once the title settled, that first page), else the
 * latest Meta event's href (a tab recorded without page views).
 * @param {Entry[]} views the page_view entries, in time order
 * @param {number} ts epoch ms
 * @param {RrwebEvent[]} [metas] Meta events, in time order
 * @returns {{url: string, title: string} | null}
 */
export function pageAt(views, ts, metas = []) {
  if (views.length) {
    const view = views[Math.max(0, currentIndex(views, ts))];
    return { url: String(view.detail.url || ''), title: view.label };
  }
  /** @type {any} */
  let meta = null;
  for (const m of metas) if (m.timestamp <= ts || !meta) meta = m;
  return meta && meta.data && meta.data.href ? { url: String(meta.data.href), title: '' } : null;
}

const INCREMENTAL = 3; // rrweb EventType.IncrementalSnapshot
const MUTATION = 0; // rrweb IncrementalSource.Mutation
const INPUT = 5; // rrweb IncrementalSource.Input
export const INACTIVE_MS = 10_000; // rrweb's inactivePeriodThreshold

/**
 * Stretches with no user interaction for more than `threshold` ms, as rrweb
 * finds them to skip them (mouse moves, clicks, scrolls, resizes, input; not
 * the page's own mutations): [start, end] pairs in epoch ms.
 * @param {RrwebEvent[]} events in time order
 * @param {number} [threshold]
 * @returns {[number, number][]}
 */
export function inactivePeriods(events, threshold = INACTIVE_MS) {
  /** @type {[number, number][]} */
  const periods = [];
  if (!events.length) return periods;
  let last = events[0].timestamp;
  for (const e of events) {
    /** @type {any} */
    const data = e.data;
    if (e.type !== INCREMENTAL || !(data.source > MUTATION && data.source <= INPUT)) continue;
    if (e.timestamp - last > threshold) periods.push([last, e.timestamp]);
    last = e.timestamp;
  }
  return periods;
}

/**
 * The `?t=` of a replay URL: where to start, in ms from the recording's start,
 * or null when there is none or it is not a number of ms.
 * @param {string} search location.search
 */
export function startOffset(search) {
  const t = new URLSearchParams(search).get('t');
  if (t === null || !/^\d+$/.test(t.trim())) return null;
  return Number(t);
}

/**
 * The replay URL that opens at `offset` ms: the page's own with `t` set.
 * @param {string} href location.href
 * @param {number} offset
 */
export function linkAt(href, offset) {
  const u = new URL(href);
  u.searchParams.set('t', String(Math.max(0, Math.round(offset))));
  u.hash = '';
  return u.href;
}

/** Where a marker or a stretch sits on the bar, in per cent of [start, end].
 * @param {number} ts
 * @param {number} start
 * @param {number} end
 */
export function percent(ts, start, end) {
  const length = Math.max(1, end - start);
  return Math.min(100, Math.max(0, ((ts - start) * 100) / length));
}

/**
 * A note of the notes API as a timeline entry, so it is a marker and a row of
 * the Activity list like the rest.
 * @param {{id: number, ts: number, window: string, text: string, author: string | null}} n
 * @returns {Entry}
 */
export function noteEntry(n) {
  return { ts: n.ts, kind: 'note', window: n.window, label: n.text, level: '', detail: { id: n.id, author: n.author } };
}

/**
 * Entries merged by time (a stable merge: same-time entries keep their order).
 * @param {Entry[]} a
 * @param {Entry[]} b
 */
export function merged(a, b) {
  return [...a, ...b].map((e, i) => ({ e, i })).sort((x, y) => x.e.ts - y.e.ts || x.i - y.i).map((x) => x.e);
}
