// One session, several browser tabs (issue 13): which tab the visitor was
// using at each moment, so the replay follows them from tab to tab unless
// the watcher pins the one shown. A tab counts as in use from its latest
// moment of attention: a page view, a click, a focus, a signal.

/** @typedef {{ts: number, kind: string, window?: string}} Moment */
/** @typedef {{window: string, start: number}} Tab */

const ATTENTION = new Set(['page_view', 'click', 'focus', 'rage_click', 'dead_click', 'error_click', 'custom', 'identify']);
// A tab is switched to only when the other one has been in use this long,
// so a stray moment does not flip the replay back and forth.
export const SWITCH_AFTER_MS = 500;

/**
 * The window in use at `ts` (epoch ms): that of the latest moment of
 * attention at or before it, or null before the first.
 * @param {Moment[]} moments by time, of every window
 * @param {number} ts
 * @returns {string | null}
 */
export function windowAt(moments, ts) {
  let found = null;
  for (const m of moments) {
    if (m.ts > ts) break;
    if (m.window && ATTENTION.has(m.kind)) found = m.window;
  }
  return found;
}

/**
 * Where the replay goes when the visitor moved to another tab: that tab and
 * the offset in it (its player counts from its own first event), or null to
 * stay. `now` is the moment playing, epoch ms.
 * @param {{moments: Moment[], tabs: Tab[], shown: string, now: number, pinned: boolean}} o
 * @returns {{window: string, offset: number} | null}
 */
export function switchTo(o) {
  if (o.pinned || o.tabs.length < 2) return null;
  const used = windowAt(o.moments, o.now - SWITCH_AFTER_MS);
  if (!used || used === o.shown) return null;
  const tab = o.tabs.find((t) => t.window === used);
  if (!tab || tab.start > o.now) return null;
  return { window: used, offset: Math.max(0, Math.round(o.now - tab.start)) };
}

/**
 * The replay URL of another tab at an offset, keeping the page's other
 * parameters (the changelist's filters).
 * @param {string} href location.href
 * @param {string} win
 * @param {number} offset
 */
export function tabLink(href, win, offset) {
  const u = new URL(href);
  u.searchParams.set('window', win);
  u.searchParams.set('t', String(offset));
  u.hash = '';
  return u.href;
}
