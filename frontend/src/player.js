// Admin replay page: streams a session's events (NDJSON, one rrweb event per
// line) and plays them with rrweb-player, starting as soon as the first
// snapshot is in and appending the rest while it arrives (tabload.js). For an
// active session with a `liveUrl`, batches stored later arrive over a
// WebSocket. A session of several tabs plays one at a time; the replay goes
// on in another in place, with a new player (workspace.js switchTab).
// This file only wires the modules together.
import { readConfig } from './config.js';
import { openLive } from './live.js';
import { statusLine } from './status.js';
import { bindSeekButtons } from './seek.js';
import { TabLoad, eventsUrlOf, fromLastSnapshot } from './tabload.js';
import { removePoster } from './poster.js';
import { frameFit } from './size.js';
import { Workspace } from './workspace.js';

async function main() {
  const root = document.getElementById('session-replay-player');
  if (!root) return;
  const setStatus = statusLine(root);
  const cfg = readConfig('session-replay-player-config');
  if (!cfg || !cfg.eventsUrl) return setStatus('Player configuration is missing.', true);
  const eventsUrl = cfg.eventsUrl;
  const live = !!cfg.live && !!cfg.liveUrl;
  const workspace = new Workspace(document, cfg);
  const firstWindow = new URL(eventsUrl, location.href).searchParams.get('window');

  // The frame takes what the window has left above the controls, so they
  // stay in view without scrolling.
  const fit = () => frameFit(root);
  /** @type {'' | 'on' | 'off'} */
  let liveState = '';
  /** @type {TabLoad | null} the tab shown */
  let current = null;
  /** @type {TabLoad | null} the whole tab, read behind one joined at its last snapshot */
  let backfill = null;
  /**
   * @param {string} url
   * @param {import('./view.js').Player | null} previous
   * @param {Partial<import('./tabload.js').TabLoadOptions>} [more]
   */
  const load = (url, previous, more = {}) =>
    new TabLoad({ url, root, workspace, setStatus, fit, live, liveState: () => liveState, previous, ...more });

  bindSeekButtons(
    document,
    () => (current ? current.player : null),
    // Another tab's marker or row: that tab, at that moment, paused there.
    (win, ts) => workspace.chooseTab(win, ts, false)
  );

  let subscribed = null;
  if (live) {
    subscribed = openLive({
      url: cfg.liveUrl,
      // Only the tab shown's batches; every tab's entries come with the timeline.
      win: () => workspace.cfg.window || firstWindow,
      onEvents(events) {
        if (current) current.live(events);
        if (backfill) backfill.live(events);
      },
      onState(state) {
        liveState = state;
        if (current) current.stateChanged();
      },
    });
  }
  workspace.loadTab = (win) => {
    if (backfill) backfill.stop();
    backfill = null;
    const previous = current ? current.stop() : null;
    current = load(eventsUrlOf(eventsUrl, win, location.href), previous);
    current.run();
  };

  setStatus('Loading…');
  // Reading the stored events only once the socket is subscribed means no
  // batch falls between the two.
  await subscribed;
  // Joining an active session at its live edge: the tab from its last full
  // snapshot, then the rest behind it.
  const join = !!(live && workspace.edge && workspace.edge.following);
  const first = load(join ? fromLastSnapshot(eventsUrl, location.href) : eventsUrl, null);
  current = first;
  await first.run();
  if (!join || current !== first || !first.player || first.failed) return;
  const whole = load(eventsUrl, null, {
    swap: true,
    onSwap() {
      const joined = current;
      current = whole;
      backfill = null;
      return joined ? joined.stop() : null;
    },
  });
  backfill = whole;
  await whole.run();
}

main().catch((err) => {
  const el = document.getElementById('session-replay-status');
  if (el) el.textContent = `Player error: ${(err && err.message) || err}`;
});
