// The timeline bar's markers (the template's <nav aria-label="Markers">):
// the server renders the signals and errors it knows, for a page without
// JavaScript; once the timeline API answered, workspace.js redraws the bar
// with every marked kind (entries.js isMarker) and the notes, of every tab of
// the session (issue 13). Each marker is a button named "<Kind> at m:ss:
// <label>" that seeks there (seek.js); another tab's marker says which tab
// ("… — Tab 2: Checkout"), is drawn hollow and opens that tab there. A
// moment outside the tab shown's span sits at the bar's end it is beyond.
import { el } from './controls.js';
import { isMarker, markerLevel, markerName, percent, signedClock } from './entries.js';
import { entryTab } from './tabs.js';

/** @typedef {import('./entries.js').Entry} Entry */
/** @typedef {import('./tabs.js').TabContext} TabContext */

/**
 * @param {HTMLElement} nav
 * @param {Entry[]} entries in time order
 * @param {number} start the player's time 0, epoch ms
 * @param {number} end its last moment so far
 * @param {Record<string, string>} labels
 * @param {TabContext} [tabs] the session's tabs and the one shown
 */
export function drawMarkers(nav, entries, start, end, labels, tabs) {
  const doc = nav.ownerDocument;
  const list = el(doc, 'ol');
  for (const e of entries) {
    if (!isMarker(e)) continue;
    const other = entryTab(e, tabs);
    const li = el(doc, 'li', { class: `session-replay-marker session-replay-marker-${markerLevel(e)}${other ? ' session-replay-marker--other' : ''}` });
    // Where the moment falls on the bar of the tab shown (its ends, for a
    // moment before this tab opened or after its last event).
    li.style.left = `${percent(e.ts, start, end)}%`;
    // One clock for the bar: the tab shown's (another tab's moment before it
    // opened counts back, "−0:05"), as the Activity rows and the slider.
    const name = markerName(e, start, labels);
    const kind = labels[e.kind] || e.kind;
    /** @type {Record<string, string>} */
    const attrs = {
      type: 'button',
      class: 'session-replay-seek',
      'data-session-replay-ts': String(e.ts),
      'data-kind': e.kind,
      'aria-label': other ? `${name} — ${other.name}` : name,
      title: `${kind} · ${signedClock(e.ts - start)} · ${e.label}${other ? ` · ${other.name}` : ''}`,
    };
    if (other) attrs['data-session-replay-window'] = other.window;
    li.append(el(doc, 'button', attrs));
    list.append(li);
  }
  nav.textContent = '';
  nav.append(list);
}
