// One session, several browser tabs (issue 13): which tab the visitor was
// using at each moment, so the replay follows them from tab to tab unless
// the watcher pins the one shown. A tab counts as in use from its latest
// moment of attention: a page view, a click, a focus, a signal.

/** @typedef {{ts: number, kind: string, window?: string}} Moment */
/** @typedef {{window: string, start: number, number?: number, title?: string}} Tab */

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
 * stay. `now` is the moment playing, epoch ms. `held` is the tab the visitor
 * was using when the watcher chose the one shown (a tab link, another tab's
 * marker): the replay stays until the visitor goes on in yet another tab, so
 * the watcher's choice is not undone at once.
 * @param {{moments: Moment[], tabs: Tab[], shown: string, now: number, pinned: boolean, held?: string | null}} o
 * @returns {{window: string, offset: number} | null}
 */
export function switchTo(o) {
  if (o.pinned || o.tabs.length < 2) return null;
  const used = windowAt(o.moments, o.now - SWITCH_AFTER_MS);
  if (!used || used === o.shown || used === o.held) return null;
  const tab = o.tabs.find((t) => t.window === used);
  if (!tab || tab.start > o.now) return null;
  return { window: used, offset: Math.max(0, Math.round(o.now - tab.start)) };
}

/**
 * The replay URL of a tab at an offset, keeping the page's other parameters
 * (the changelist's filters, ?pin=1). A null offset leaves `t` out: a live
 * session followed at its edge, which a reload should open live again.
 * @param {string} href location.href
 * @param {string} win
 * @param {number | null} offset
 */
export function tabLink(href, win, offset) {
  const u = new URL(href);
  u.searchParams.set('window', win);
  if (offset === null) u.searchParams.delete('t');
  else u.searchParams.set('t', String(Math.max(0, Math.round(offset))));
  u.hash = '';
  return u.href;
}

/**
 * What a tab is called on the markers and rows of the other tabs: "Tab 2:
 * Checkout", as the tab switcher above the player names it ("Tab 2" without
 * a page title), or '' for a window the page was not told of.
 * @param {Tab[]} tabs
 * @param {string} win
 */
export function tabName(tabs, win) {
  const i = tabs.findIndex((t) => t.window === win);
  if (i < 0) return '';
  const tab = tabs[i];
  const title = (tab.title || '').trim();
  const short = title.length > 40 ? `${title.slice(0, 39)}…` : title;
  return `Tab ${tab.number || i + 1}${short ? `: ${short}` : ''}`;
}

/**
 * The tab an entry of the session's timeline belongs to when that is not the
 * tab shown: its window, or null (the tab shown, or an entry of no tab, such
 * as a server request the recorder could not tie to one).
 * @param {{window?: string}} entry
 * @param {string} shown
 * @param {Tab[]} tabs
 * @returns {string | null}
 */
export function otherTab(entry, shown, tabs) {
  const win = entry.window || '';
  if (!win || win === shown || tabs.length < 2) return null;
  return tabs.some((t) => t.window === win) ? win : null;
}

/**
 * The session's tabs and the one the player shows: what the marker bar and
 * the Activity rows need to tell another tab's entries apart.
 * @typedef {{tabs: Tab[], shown: string}} TabContext
 */

/**
 * Another tab's entry: that tab's window, its name ("Tab 2: Checkout") and
 * its first event's time (its player's 0); null for the tab shown's own.
 * @param {{window?: string}} entry
 * @param {TabContext} [ctx]
 * @returns {{window: string, name: string, start: number} | null}
 */
export function entryTab(entry, ctx) {
  if (!ctx) return null;
  const win = otherTab(entry, ctx.shown, ctx.tabs);
  if (!win) return null;
  const tab = /** @type {Tab} */ (ctx.tabs.find((t) => t.window === win));
  return { window: win, name: tabName(ctx.tabs, win), start: tab.start };
}

/**
 * The offset in a tab's player of a session moment: its first event counts
 * as 0, a moment before it is its start.
 * @param {Tab[]} tabs
 * @param {string} win
 * @param {number} ts epoch ms
 */
export function offsetIn(tabs, win, ts) {
  const tab = tabs.find((t) => t.window === win);
  return tab ? Math.max(0, Math.round(ts - tab.start)) : 0;
}
