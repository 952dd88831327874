// The console and network records of a recording, read from its rrweb plugin
// events (rrweb/console@1, rrweb/network@1; frontend/src/telemetry/): the
// timeline keeps only failed requests and warnings, the panels show them all.
// Pure, tested in test/workspace.test.js.

/** @typedef {import('@rrweb/types').eventWithTime} RrwebEvent */

const PLUGIN = 6; // rrweb EventType.Plugin
const META = 4; // rrweb EventType.Meta

/**
 * @typedef {Object} ConsoleRecord
 * @property {number} ts epoch ms
 * @property {string} level log, info, warn, error…
 * @property {string} text its arguments, joined
 * @property {string[]} trace
 */

/**
 * @typedef {Object} NetworkRecord
 * @property {number} ts epoch ms: when it started (estimated, see networkRecords)
 * @property {string} method
 * @property {string} url
 * @property {number | null} status
 * @property {number | null} duration ms
 * @property {number | null} size transfer bytes
 * @property {string} type its initiator (fetch, xmlhttprequest, script…)
 * @property {boolean} failed a network error, an abort or a status of 400 or more
 * @property {Record<string, any>} raw the record as recorded (its details)
 */

/**
 * @param {RrwebEvent} e
 * @param {string} name
 * @returns {any}
 */
const payloadOf = (e, name) => {
  /** @type {any} */
  const data = e.data;
  return e.type === PLUGIN && data && data.plugin === name ? data.payload : null;
};

/**
 * @param {RrwebEvent[]} events
 * @returns {ConsoleRecord[]}
 */
export function consoleRecords(events) {
  /** @type {ConsoleRecord[]} */
  const out = [];
  for (const e of events) {
    const p = payloadOf(e, 'rrweb/console@1');
    if (!p || typeof p.level !== 'string') continue;
    const args = Array.isArray(p.payload) ? p.payload.map(String) : [];
    out.push({ ts: e.timestamp, level: p.level, text: args.join(' '), trace: Array.isArray(p.trace) ? p.trace.map(String) : [] });
  }
  return out;
}

/**
 * Whether a console record passes the panel's filter.
 * @param {ConsoleRecord} r
 * @param {string} level '' for every level
 * @param {string} search words the text must hold, any case
 */
export function consoleMatches(r, level, search) {
  if (level && r.level !== level) return false;
  const q = search.trim().toLowerCase();
  return !q || r.text.toLowerCase().includes(q);
}

/** @param {unknown} x */
const num = (x) => (typeof x === 'number' && isFinite(x) ? x : null);

/**
 * The requests of the recording. A record's startTime is on its page's
 * performance clock (ms since that page loaded), not the epoch; a record is
 * sent once it ended, so each page's clock origin is at most the plugin
 * event's time minus the record's endTime, and the smallest such value over
 * the page's records is the best guess of it. Pages are told apart by
 * their Meta events (one per page load).
 * @param {RrwebEvent[]} events in time order
 * @returns {NetworkRecord[]}
 */
export function networkRecords(events) {
  /** @type {{e: RrwebEvent, r: any, page: number}[]} */
  const found = [];
  let page = 0;
  for (const e of events) {
    if (e.type === META) page++;
    const p = payloadOf(e, 'rrweb/network@1');
    if (!p || !Array.isArray(p.requests)) continue;
    for (const r of p.requests) if (r && typeof r === 'object') found.push({ e, r, page });
  }
  /** @type {Map<number, number>} */
  const origins = new Map();
  for (const { e, r, page } of found) {
    const end = num(r.endTime) ?? (num(r.startTime) !== null ? /** @type {number} */ (num(r.startTime)) + (num(r.duration) || 0) : null);
    if (end === null) continue;
    const origin = e.timestamp - end;
    const known = origins.get(page);
    if (known === undefined || origin < known) origins.set(page, origin);
  }
  return found
    .map(({ e, r, page }) => {
      const origin = origins.get(page);
      const start = num(r.startTime);
      const status = num(r.status);
      const duration = num(r.duration);
      /** @type {NetworkRecord} */
      const rec = {
        ts: origin !== undefined && start !== null ? Math.round(origin + start) : e.timestamp - (duration || 0),
        method: String(r.method || 'GET').toUpperCase(),
        url: String(r.name || ''),
        status: status || null,
        duration,
        size: num(r.transferSize),
        type: String(r.initiatorType || ''),
        failed: r.failed === true || (status !== null && status >= 400),
        raw: r,
      };
      return rec;
    })
    .sort((a, b) => a.ts - b.ts);
}

/**
 * Bytes as the admin prints them: "512 B", "1.5 KB", "2.0 MB".
 * @param {number | null} n
 */
export function bytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A key for each request that stays the same when the list is read again with
 * more events (a live session's): when it started, its method and URL, and
 * which of the same it is. The panel keeps a request's details open across a
 * redraw by it.
 * @param {NetworkRecord[]} records
 */
export function requestKeys(records) {
  /** @type {Map<string, number>} */
  const seen = new Map();
  return records.map((r) => {
    const base = `${r.ts} ${r.method} ${r.url}`;
    const count = (seen.get(base) || 0) + 1;
    seen.set(base, count);
    return count > 1 ? `${base} #${count}` : base;
  });
}
