// The timeline bar's markers (the template's <nav aria-label="Markers">):
// the server renders the signals and errors it knows, for a page without
// JavaScript; once the timeline API answered, workspace.js redraws the bar
// with every marked kind (entries.js isMarker) and the notes. Each marker is
// a button named "<Kind> at m:ss: <label>" that seeks there (seek.js).
import { el } from './controls.js';
import { clock, isMarker, markerLevel, markerName, percent } from './entries.js';

/** @typedef {import('./entries.js').Entry} Entry */

/**
 * @param {HTMLElement} nav
 * @param {Entry[]} entries in time order
 * @param {number} start the player's time 0, epoch ms
 * @param {number} end its last moment so far
 * @param {Record<string, string>} labels
 */
export function drawMarkers(nav, entries, start, end, labels) {
  const doc = nav.ownerDocument;
  const list = el(doc, 'ol');
  for (const e of entries) {
    if (!isMarker(e)) continue;
    const li = el(doc, 'li', { class: `session-replay-marker session-replay-marker-${markerLevel(e)}` });
    li.style.left = `${percent(e.ts, start, end)}%`;
    const name = markerName(e, start, labels);
    const kind = labels[e.kind] || e.kind;
    li.append(
      el(doc, 'button', {
        type: 'button',
        class: 'session-replay-seek',
        'data-session-replay-ts': String(e.ts),
        'data-kind': e.kind,
        'aria-label': name,
        title: `${kind} · ${clock(e.ts - start)} · ${e.label}`,
      })
    );
    list.append(li);
  }
  nav.textContent = '';
  nav.append(list);
}
