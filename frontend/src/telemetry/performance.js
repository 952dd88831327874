// The page's lifecycle as session-replay/page@1 records: its load timing
// (once per page load), visibility changes, and at each page view's end (the
// page hidden for good, or an SPA navigation) how long it was visible. The
// listeners take the capture phase so these records are in before the
// recorder's own page-hide handler beacons what it holds.

export const PLUGIN = 'session-replay/page@1';

/** @type {WeakSet<object>} windows whose load timing was sent */
const loaded = new WeakSet();
const round = Math.round;

/**
 * @param {any} win
 * @param {() => string} url the page's URL, scrubbed
 * @param {(payload: Record<string, unknown>) => void} send
 * @param {boolean} first the first start on this page: the view began at navigation start
 */
export function watchPage(win, url, send, first) {
  const doc = win.document;
  const perf = win.performance;
  const visible = () => doc.visibilityState !== 'hidden';
  let view = url();
  let acc = 0;
  /** @type {number | null} visible since (performance.now()), or null when hidden */
  let since = visible() ? (first ? 0 : perf.now()) : null;
  const visibleMs = () => round(acc + (since === null ? 0 : perf.now() - since));
  const leave = () => {
    send({ kind: 'leave', url: view, visibleMs: visibleMs() });
    acc = 0;
    since = since === null ? null : perf.now();
  };
  const onVisibility = () => {
    const v = visible();
    if (v === (since !== null)) return;
    if (since !== null) acc += perf.now() - since;
    since = v ? perf.now() : null;
    send({ kind: 'visibility', state: v ? 'visible' : 'hidden' });
  };
  const onHide = () => {
    leave();
    since = null; // until the page is shown again (from the back/forward cache)
  };
  const onShow = () => {
    if (since === null && visible()) since = perf.now();
  };
  const onLoad = () =>
    setTimeout(() => {
      const n = perf.getEntriesByType && perf.getEntriesByType('navigation')[0];
      if (loaded.has(win) || !n || !n.loadEventEnd) return;
      loaded.add(win);
      send({
        kind: 'load',
        url: view,
        timing: { ttfb: round(n.responseStart), domContentLoaded: round(n.domContentLoadedEventEnd), load: round(n.loadEventEnd) },
      });
    }, 0); // loadEventEnd is set once the load handlers returned
  if (doc.readyState === 'complete') onLoad();
  else win.addEventListener('load', onLoad);
  /** @type {[string, () => void][]} */
  const listeners = [
    ['visibilitychange', onVisibility],
    ['pagehide', onHide],
    ['pageshow', onShow],
  ];
  for (const [type, f] of listeners) win.addEventListener(type, f, true);
  return {
    stop() {
      win.removeEventListener('load', onLoad);
      for (const [type, f] of listeners) win.removeEventListener(type, f, true);
    },
    /** A new page view (another URL): the one it ends is left. */
    navigated() {
      leave();
      view = url();
    },
  };
}
