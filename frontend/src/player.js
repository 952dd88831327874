// Admin replay page: streams a session's events (NDJSON, one rrweb event per
// line) and plays them with rrweb-player, starting as soon as the first
// snapshot is in and appending the rest while it arrives. For an active
// session with a `liveUrl`, batches stored later arrive over a WebSocket.
// This file only wires the modules together.
import { readConfig } from './config.js';
import { StoredEvents, openLive } from './live.js';
import { progressText, statusLine } from './status.js';
import { fetchLines } from './stream.js';
import { removePoster } from './poster.js';
import { bindSeekButtons } from './seek.js';
import { frameFit } from './size.js';
import { Timeline } from './timeline.js';
import { appendEvents, mountPlayer } from './view.js';
import { Workspace } from './workspace.js';

async function main() {
  const root = document.getElementById('session-replay-player');
  if (!root) return;
  const setStatus = statusLine(root);
  const cfg = readConfig('session-replay-player-config');
  if (!cfg || !cfg.eventsUrl) return setStatus('Player configuration is missing.', true);
  const live = !!cfg.live;
  const workspace = new Workspace(document, cfg);

  /** @type {import('./view.js').Player | null} */
  let player = null;
  // The frame takes what the window has left above the controls, so they
  // stay in view without scrolling.
  const fit = () => frameFit(root);
  const timeline = new Timeline(() => {
    const events = timeline.begin();
    workspace.addEvents(events);
    player = mountPlayer(root, events, timeline.meta, { controller: false, fit });
    // The poster frame stands in until rrweb has rebuilt its own first frame
    // (in a timer of the replayer's constructor, so this is in time).
    const replayer = player.getReplayer();
    replayer.on('fullsnapshot-rebuilded', () => {
      removePoster(document);
      // rrweb rebuilds into document.open() and never closes it: an open
      // document is still loading, and while the page's own load is pending
      // (the poster delays it) it would stay pending for good. Closed here,
      // after a doctype token, so that its parser ends in standards mode
      // (at a bare end of input it would switch the frame to quirks mode).
      const frameDoc = replayer.iframe.contentDocument;
      if (frameDoc && frameDoc.readyState === 'loading' && document.readyState !== 'complete') {
        frameDoc.write('<!DOCTYPE html>');
        frameDoc.close();
      }
    });
    workspace.attach(player);
  });
  bindSeekButtons(document, () => player);

  const append = () => {
    if (!player) return;
    const later = timeline.takeLater();
    workspace.addEvents(later);
    appendEvents(player, later);
  };

  // Live frames wait until the NDJSON is in (liveQueue); then each live event
  // that duplicates a stored one is skipped (StoredEvents).
  /** @type {unknown[] | null} */
  let liveQueue = null;
  /** @type {StoredEvents | null} NDJSON events, in live mode only */
  let stored = null;
  /** @type {'' | 'on' | 'off'} */
  let liveState = '';
  let finished = false;
  let failed = false;

  /** @param {boolean} done */
  const progress = (done) =>
    setStatus(progressText({ count: timeline.count, bad: timeline.bad, done, live, liveState }));

  /** @param {unknown} e */
  const acceptLive = (e) => {
    if (!(stored && stored.takeDuplicate(e))) timeline.accept(e);
  };

  let subscribed = null;
  if (live && cfg.liveUrl) {
    liveQueue = [];
    stored = new StoredEvents();
    subscribed = openLive({
      url: cfg.liveUrl,
      win: new URL(cfg.eventsUrl, location.href).searchParams.get('window'),
      onEvents(events) {
        if (failed) return;
        if (liveQueue) return void liveQueue.push(...events);
        events.forEach(acceptLive);
        append();
        progress(true);
      },
      onState(state) {
        liveState = state;
        if (finished && timeline.count) progress(true);
      },
    });
  }

  setStatus('Loading…');
  try {
    await subscribed;
    await fetchLines(cfg.eventsUrl, (lines, done) => {
      for (const line of lines) {
        const e = timeline.line(line);
        if (stored) stored.add(e);
      }
      append();
      if (!done) progress(false);
    });
  } catch (err) {
    liveQueue = [];
    failed = true; // live frames are of no use without the start of the recording
    removePoster(document);
    return setStatus(`Could not load the recording: ${(err && /** @type {Error} */ (err).message) || err}`, true);
  }

  finished = true;
  if (liveQueue) {
    const queue = liveQueue;
    liveQueue = null;
    queue.forEach(acceptLive);
  }
  const count = timeline.count;
  if (!player && count >= 2) timeline.onReady(); // no Meta + FullSnapshot pair: play what there is
  if (!player) removePoster(document);
  if (!count) return setStatus('No events recorded yet');
  if (!player) return setStatus(`${count} event recorded: not enough to replay yet`);
  append();
  workspace.done();
  progress(true);
}

main().catch((err) => {
  const el = document.getElementById('session-replay-status');
  if (el) el.textContent = `Player error: ${(err && err.message) || err}`;
});
