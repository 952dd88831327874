// What the side panels list (workspace.js fills them): the timeline's
// entries (Activity, Errors, Server, Notes) and the recording's console and
// network records. Every time is a button that seeks the player there
// (seek.js handles [data-session-replay-ts]).
import { el } from './controls.js';
import { clock, percent, signedClock } from './entries.js';
import { bytes, consoleMatches, requestKeys } from './records.js';
import { entryTab } from './tabs.js';

/** @typedef {import('./entries.js').Entry} Entry */
/** @typedef {import('./records.js').ConsoleRecord} ConsoleRecord */
/** @typedef {import('./tabs.js').TabContext} TabContext */
/** @typedef {import('./records.js').NetworkRecord} NetworkRecord */

/**
 * @param {Document} doc
 * @param {number} ts
 * @param {number} start
 * @param {string} name the button's accessible name
 */
function seekButton(doc, ts, start, name) {
  return el(doc, 'button', { type: 'button', class: 'session-replay-seek', 'data-session-replay-ts': String(ts), 'aria-label': name }, clock(ts - start));
}

/**
 * @param {HTMLElement} panel
 * @param {string} text
 */
function empty(panel, text) {
  panel.textContent = '';
  panel.append(el(panel.ownerDocument, 'p', { class: 'session-replay-panel-empty' }, text));
}

/**
 * Every entry, one row each; the rows come back so the current one can be marked.
 * @param {HTMLElement} panel
 * @param {Entry[]} entries
 * @param {number} start the player's time 0
 * @param {Record<string, string>} labels
 * @param {TabContext} [tabs] the session's tabs: another tab's rows say which
 *   (a "Tab 2" badge; the button's name ends "— Tab 2: Checkout"); every
 *   row counts on the tab shown's clock, so the list reads in one order
 * @returns {HTMLElement[]}
 */
export function activity(panel, entries, start, labels, tabs) {
  if (!entries.length) {
    empty(panel, tabs && tabs.tabs.length > 1 ? 'Nothing happened on the timeline of this session.' : 'Nothing happened on the timeline of this tab.');
    return [];
  }
  const doc = panel.ownerDocument;
  const list = el(doc, 'ol', { class: 'session-replay-activity' });
  const rows = entries.map((e) => {
    const kind = labels[e.kind] || e.kind;
    const other = entryTab(e, tabs);
    const li = el(doc, 'li', { class: `session-replay-row session-replay-level-${e.level || 'info'}${other ? ' session-replay-row--other' : ''}` });
    /** @type {Record<string, string>} */
    const attrs = { type: 'button', class: 'session-replay-row-button', 'data-session-replay-ts': String(e.ts) };
    if (other) attrs['data-session-replay-window'] = other.window;
    const button = el(doc, 'button', attrs);
    button.append(el(doc, 'span', { class: 'session-replay-row-time' }, signedClock(e.ts - start)), el(doc, 'span', { class: 'session-replay-row-kind' }, kind), el(doc, 'span', { class: 'session-replay-row-label' }, e.label));
    if (other) {
      // Seen, a short badge; heard, the tab's full name at the end.
      button.append(el(doc, 'span', { class: 'session-replay-row-tab', 'aria-hidden': 'true', title: other.name }, other.name.split(':')[0]));
      button.append(el(doc, 'span', { class: 'visually-hidden' }, ` — ${other.name}`));
    }
    li.append(button);
    list.append(li);
    return li;
  });
  panel.textContent = '';
  panel.append(list);
  return rows;
}

/**
 * Marks the current row (aria-current) and keeps it in view of its panel.
 * @param {HTMLElement[]} rows
 * @param {number} index -1: none
 * @param {number} previous
 */
export function markCurrent(rows, index, previous) {
  if (index === previous) return;
  if (previous >= 0 && rows[previous]) rows[previous].removeAttribute('aria-current');
  const row = rows[index];
  if (!row) return;
  row.setAttribute('aria-current', 'true');
  const panel = /** @type {HTMLElement | null} */ (row.closest('[role="tabpanel"]'));
  if (panel && !panel.hidden && typeof row.scrollIntoView === 'function') row.scrollIntoView({ block: 'nearest' });
}

const LEVELS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'assert'];

/**
 * The console records with a level filter and a text search.
 * @param {HTMLElement} panel
 * @param {ConsoleRecord[]} records
 * @param {number} start
 */
export function consolePanel(panel, records, start) {
  if (!records.length) return empty(panel, 'No console messages were recorded in this tab.');
  const doc = panel.ownerDocument;
  // Redrawn as live events come in: the filter the user set stays.
  const before = {
    level: /** @type {HTMLSelectElement | null} */ (panel.querySelector('select[name="level"]')),
    search: /** @type {HTMLInputElement | null} */ (panel.querySelector('input[name="console-search"]')),
  };
  const tools = el(doc, 'div', { class: 'session-replay-filters' });
  const levelLabel = el(doc, 'label', {}, 'Level ');
  const level = /** @type {HTMLSelectElement} */ (el(doc, 'select', { name: 'level' }));
  level.append(el(doc, 'option', { value: '' }, 'All'));
  for (const l of LEVELS) if (records.some((r) => r.level === l)) level.append(el(doc, 'option', { value: l }, l));
  levelLabel.append(level);
  const searchLabel = el(doc, 'label', {}, 'Search ');
  const search = /** @type {HTMLInputElement} */ (el(doc, 'input', { type: 'search', name: 'console-search' }));
  searchLabel.append(search);
  const count = el(doc, 'span', { class: 'session-replay-count', role: 'status' });
  tools.append(levelLabel, searchLabel, count);
  const list = el(doc, 'ol', { class: 'session-replay-console' });
  const rows = records.map((r) => {
    const li = el(doc, 'li', { class: `session-replay-row session-replay-level-${r.level}` });
    li.append(seekButton(doc, r.ts, start, `Go to ${clock(r.ts - start)}: ${r.level} ${r.text}`.slice(0, 200)), el(doc, 'span', { class: 'session-replay-row-kind' }, r.level));
    const text = el(doc, 'span', { class: 'session-replay-row-label' }, r.text);
    if (r.trace.length) {
      const d = el(doc, 'details');
      d.append(el(doc, 'summary', {}, r.text), el(doc, 'pre', {}, r.trace.join('\n')));
      li.append(d);
    } else li.append(text);
    list.append(li);
    return li;
  });
  const apply = () => {
    let shown = 0;
    records.forEach((r, i) => {
      const on = consoleMatches(r, level.value, search.value);
      rows[i].hidden = !on;
      if (on) shown++;
    });
    count.textContent = `${shown} of ${records.length}`;
  };
  if (before.level && Array.from(level.options).some((o) => o.value === before.level?.value)) level.value = before.level.value;
  if (before.search) search.value = before.search.value;
  const typing = !!before.search && doc.activeElement === before.search;
  level.addEventListener('change', apply);
  search.addEventListener('input', apply);
  panel.textContent = '';
  panel.append(tools, list);
  if (typing) search.focus();
  apply();
}

/**
 * A URL without this page's origin: its path and query are what tell requests apart.
 * @param {string} url
 */
export function shortUrl(url) {
  try {
    const u = new URL(url);
    return typeof location !== 'undefined' && u.origin === location.origin ? `${u.pathname}${u.search}` : url;
  } catch (e) {
    return url;
  }
}

/**
 * The requests as a waterfall table; a row's URL opens its details.
 * @param {HTMLElement} panel
 * @param {NetworkRecord[]} records
 * @param {number} start
 * @param {number} end the recording's last moment, epoch ms
 */
export function networkPanel(panel, records, start, end) {
  if (!records.length) return empty(panel, 'No requests were recorded in this tab.');
  const doc = panel.ownerDocument;
  // Redrawn as live events come in: the details open stay open, the button
  // that had the focus keeps it.
  const wasOpen = new Set(
    Array.from(panel.querySelectorAll('.session-replay-request-detail:not([hidden])'), (row) => /** @type {HTMLElement} */ (row).dataset.request)
  );
  const active = /** @type {HTMLElement | null} */ (doc.activeElement);
  const hadFocus = active && panel.contains(active) && active.dataset.request !== undefined ? active.dataset.request : null;
  const keys = requestKeys(records);
  const table = el(doc, 'table', { class: 'session-replay-network' });
  const head = el(doc, 'tr');
  for (const h of ['Time', 'Method', 'URL', 'Status', 'Duration', 'Size', 'Waterfall']) head.append(el(doc, 'th', { scope: 'col' }, h));
  const thead = el(doc, 'thead');
  thead.append(head);
  const body = el(doc, 'tbody');
  records.forEach((r, i) => {
    const tr = el(doc, 'tr', { class: r.failed ? 'session-replay-failed' : '' });
    const time = el(doc, 'td');
    time.append(seekButton(doc, r.ts, start, `Go to ${clock(r.ts - start)}: ${r.method} ${r.url}`));
    // The row's details open in a row of their own under it, the table's full width.
    const detailId = `session-replay-request-${i}`;
    const url = el(doc, 'td', { class: 'session-replay-url' });
    const key = keys[i];
    const expanded = wasOpen.has(key);
    const open = el(doc, 'button', { type: 'button', class: 'session-replay-row-button', 'aria-expanded': String(expanded), 'aria-controls': detailId, title: r.url }, shortUrl(r.url));
    open.dataset.request = key;
    url.append(open);
    const more = el(doc, 'tr', { id: detailId, class: 'session-replay-request-detail' });
    more.dataset.request = key;
    more.hidden = !expanded;
    const cell = el(doc, 'td', { colspan: '7' });
    const dl = el(doc, 'dl');
    for (const [k, v] of Object.entries(r.raw)) {
      if (v === null || v === undefined || v === '') continue;
      dl.append(el(doc, 'dt', {}, k), el(doc, 'dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v)));
    }
    cell.append(dl);
    more.append(cell);
    open.addEventListener('click', () => {
      more.hidden = !more.hidden;
      open.setAttribute('aria-expanded', String(!more.hidden));
    });
    const fall = el(doc, 'td', { class: 'session-replay-waterfall', 'aria-hidden': 'true' });
    const barEl = el(doc, 'span');
    barEl.style.left = `${percent(r.ts, start, end)}%`;
    barEl.style.width = `${Math.max(0.5, percent(r.ts + (r.duration || 0), start, end) - percent(r.ts, start, end))}%`;
    fall.append(barEl);
    const status = r.status !== null ? String(r.status) : r.failed ? 'failed' : '—';
    const num = (/** @type {string} */ text) => el(doc, 'td', { class: 'session-replay-number' }, text);
    tr.append(time, el(doc, 'td', {}, r.method), url, num(status), num(r.duration !== null ? `${Math.round(r.duration)} ms` : '—'), num(bytes(r.size)), fall);
    body.append(tr, more);
  });
  table.append(thead, body);
  panel.textContent = '';
  panel.append(table);
  if (hadFocus === null) return;
  const refocus = Array.from(body.querySelectorAll('button[data-request]')).find((b) => /** @type {HTMLElement} */ (b).dataset.request === hadFocus);
  if (refocus) /** @type {HTMLElement} */ (refocus).focus();
}

/**
 * Browser and server errors, each with its stack.
 * @param {HTMLElement} panel
 * @param {Entry[]} entries
 * @param {number} start
 * @param {Record<string, string>} labels
 */
export function errorsPanel(panel, entries, start, labels) {
  const errors = entries.filter((e) => e.kind === 'js_error' || e.kind === 'server_exception');
  if (!errors.length) return empty(panel, 'No errors were recorded in this tab.');
  const doc = panel.ownerDocument;
  const list = el(doc, 'ol', { class: 'session-replay-errors' });
  for (const e of errors) {
    const li = el(doc, 'li', { class: 'session-replay-row session-replay-level-error' });
    const kind = labels[e.kind] || e.kind;
    li.append(seekButton(doc, e.ts, start, `Go to ${clock(e.ts - start)}: ${kind} ${e.label}`), el(doc, 'span', { class: 'session-replay-row-kind' }, kind), el(doc, 'span', { class: 'session-replay-row-label' }, e.label));
    const frames = Array.isArray(e.detail.frames)
      ? e.detail.frames.map((/** @type {any} */ f) => `  ${f.file}:${f.line} in ${f.function}`).join('\n')
      : '';
    const stack = String(e.detail.stack || frames || '');
    if (stack) li.append(el(doc, 'pre', { class: 'session-replay-stack' }, stack));
    list.append(li);
  }
  panel.textContent = '';
  panel.append(list);
}

/**
 * The Django server's requests of this session: view, status, duration, SQL.
 * @param {HTMLElement} panel
 * @param {Entry[]} entries
 * @param {number} start
 */
export function serverPanel(panel, entries, start) {
  const requests = entries.filter((e) => e.kind === 'server_request');
  if (!requests.length) return empty(panel, 'No server requests were recorded for this tab.');
  const doc = panel.ownerDocument;
  const table = el(doc, 'table', { class: 'session-replay-server' });
  const head = el(doc, 'tr');
  for (const h of ['Time', 'Request', 'View', 'Status', 'Duration', 'SQL']) head.append(el(doc, 'th', { scope: 'col' }, h));
  const thead = el(doc, 'thead');
  thead.append(head);
  const body = el(doc, 'tbody');
  for (const e of requests) {
    const d = e.detail;
    const tr = el(doc, 'tr', { class: Number(d.status) >= 500 ? 'session-replay-failed' : '' });
    const time = el(doc, 'td');
    time.append(seekButton(doc, e.ts, start, `Go to ${clock(e.ts - start)}: ${e.label}`));
    const sql = d.sql_count !== undefined ? `${d.sql_count} (${Math.round(Number(d.sql_ms) || 0)} ms)` : '—';
    tr.append(time, el(doc, 'td', { class: 'session-replay-url' }, `${d.method || ''} ${d.path || ''}`), el(doc, 'td', { class: 'session-replay-url' }, String(d.view || d.url_name || '—')), el(doc, 'td', {}, String(d.status ?? '—')), el(doc, 'td', {}, d.duration_ms !== undefined ? `${Math.round(Number(d.duration_ms))} ms` : '—'), el(doc, 'td', {}, sql));
    body.append(tr);
  }
  table.append(thead, body);
  panel.textContent = '';
  panel.append(table);
}

/**
 * The notes, in time order.
 * @param {HTMLElement} list the panel's <ol>
 * @param {Entry[]} notes note entries (entries.js noteEntry)
 * @param {number} start
 */
export function notesList(list, notes, start) {
  const doc = list.ownerDocument;
  list.textContent = '';
  if (!notes.length) {
    list.append(el(doc, 'li', { class: 'session-replay-panel-empty' }, 'No notes yet.'));
    return;
  }
  for (const n of notes) {
    const li = el(doc, 'li', { class: 'session-replay-row' });
    li.append(seekButton(doc, n.ts, start, `Go to ${clock(n.ts - start)}: note ${n.label}`.slice(0, 200)), el(doc, 'span', { class: 'session-replay-row-label' }, n.label));
    if (n.detail.author) li.append(el(doc, 'span', { class: 'session-replay-row-kind' }, `— ${n.detail.author}`));
    list.append(li);
  }
}
