// Loading one tab (window) of a session into a player: its stored events as
// NDJSON, then, for an active session, the live frames of that tab. The
// replay page makes one for the tab it opens with and one more each time the
// replay goes on in another tab (workspace.js switchTab), in place: the
// previous player stays on screen, paused, until the next one is up.
// Joining an active session reads the tab from its last full snapshot only
// (?start=last_snapshot), so the live edge shows at once; a second load then
// reads the whole tab in the background and swaps its player in at the same
// moment (`swap`), so a seek back finds the earlier events.
import { StoredEvents } from './live.js';
import { progressText } from './status.js';
import { fetchLines } from './stream.js';
import { Timeline } from './timeline.js';
import { removePoster } from './poster.js';
import { appendEvents, mountPlayer, unmountPlayer } from './view.js';

/** @typedef {import('./view.js').Player} Player */
/** @typedef {import('./workspace.js').Workspace} Workspace */

/**
 * The events URL of another window: the page's own, with ?window= set.
 * @param {string} eventsUrl
 * @param {string} win
 * @param {string} base location.href
 */
export function eventsUrlOf(eventsUrl, win, base) {
  const u = new URL(eventsUrl, base);
  u.searchParams.set('window', win);
  return u.pathname + u.search;
}

/**
 * The events URL read from the last full snapshot on (with its Meta).
 * @param {string} eventsUrl
 * @param {string} base location.href
 */
export function fromLastSnapshot(eventsUrl, base) {
  const u = new URL(eventsUrl, base);
  u.searchParams.set('start', 'last_snapshot');
  return u.pathname + u.search;
}

/**
 * @typedef {Object} TabLoadOptions
 * @property {string} url the tab's events URL
 * @property {HTMLElement} root the player's container
 * @property {Workspace} workspace
 * @property {(text: string, isError?: boolean) => void} setStatus
 * @property {() => number} fit the tallest the frame may be
 * @property {boolean} live an active session with a live socket: its frames come to live()
 * @property {() => '' | 'on' | 'off'} liveState
 * @property {Player | null} previous the player shown until this one is up
 * @property {boolean} [swap] the whole tab behind a player joined at its last
 *   snapshot: mounted only once every event is in, in place of that one
 * @property {() => Player | null} [onSwap] told of the swap; gives the player it replaces
 */

export class TabLoad {
  /** @param {TabLoadOptions} o */
  constructor(o) {
    this.o = o;
    /** @type {Player | null} */
    this.player = null;
    /** @type {Player | null} */
    this.previous = o.previous;
    this.stopped = false;
    this.finished = false;
    this.failed = false;
    this.abort = new AbortController();
    this.timeline = new Timeline(() => {
      if (this.stopped) return;
      // A swap waits for every event: the player shown plays on meanwhile.
      if (o.swap && !this.finished) return;
      if (o.swap) {
        o.workspace.beginSwap();
        if (o.onSwap) this.previous = o.onSwap();
      }
      const events = this.timeline.begin();
      o.workspace.addEvents(events);
      this.dropPrevious();
      this.player = mountPlayer(o.root, events, this.timeline.meta, { controller: false, fit: o.fit });
      posterUntilFirstFrame(this.player);
      o.workspace.attach(this.player);
    });
    // Live frames wait until the NDJSON is in (liveQueue); then each live
    // event that duplicates a stored one is skipped (StoredEvents).
    /** @type {unknown[] | null} */
    this.liveQueue = o.live ? [] : null;
    /** @type {StoredEvents | null} */
    this.stored = o.live ? new StoredEvents() : null;
  }

  dropPrevious() {
    if (this.previous) unmountPlayer(this.previous);
    this.previous = null;
  }

  /** Another tab replaces this one: its read stops, its player goes once the next is up. */
  stop() {
    this.stopped = true;
    this.abort.abort();
    return this.player || this.previous;
  }

  append() {
    if (!this.player || this.stopped) return;
    const later = this.timeline.takeLater();
    this.o.workspace.addEvents(later);
    appendEvents(this.player, later);
  }

  /** @param {boolean} done */
  progress(done) {
    const t = this.timeline;
    this.o.setStatus(progressText({ count: t.count, bad: t.bad, done, live: this.o.live, liveState: this.o.liveState() }));
  }

  /** @param {unknown} e */
  acceptLive(e) {
    if (!(this.stored && this.stored.takeDuplicate(e))) this.timeline.accept(e);
  }

  /** Live events of this tab. @param {unknown[]} events */
  live(events) {
    if (this.failed || this.stopped) return;
    if (this.liveQueue) return void this.liveQueue.push(...events);
    events.forEach((e) => this.acceptLive(e));
    this.append();
    this.progress(true);
  }

  /** The live socket opened or closed. */
  stateChanged() {
    if (this.finished && this.timeline.count && !this.stopped) this.progress(true);
  }

  async run() {
    const { setStatus, workspace } = this.o;
    if (!this.o.swap) setStatus('Loading…');
    /** @type {typeof fetch} */
    const fetchImpl = (input, init) => fetch(input, { ...init, signal: this.abort.signal });
    try {
      await fetchLines(
        this.o.url,
        (lines, done) => {
          if (this.stopped) return;
          for (const line of lines) {
            const e = this.timeline.line(line);
            if (this.stored) this.stored.add(e);
          }
          this.append();
          if (!done && !this.o.swap) this.progress(false);
        },
        fetchImpl
      );
    } catch (err) {
      if (this.stopped) return; // replaced by another tab: not an error
      this.liveQueue = [];
      this.failed = true; // live frames are of no use without the start of the recording
      removePoster(document);
      if (this.o.swap) return; // the player joined at the last snapshot plays on
      return setStatus(`Could not load the recording: ${(err && /** @type {Error} */ (err).message) || err}`, true);
    }
    if (this.stopped) return;
    this.finished = true;
    if (this.liveQueue) {
      const queue = this.liveQueue;
      this.liveQueue = null;
      queue.forEach((e) => this.acceptLive(e));
    }
    const count = this.timeline.count;
    if (!this.player && count >= 2) this.timeline.onReady(); // no Meta + FullSnapshot pair (or a swap): play what there is
    if (this.o.swap && !this.player) return;
    if (!this.player) removePoster(document);
    if (!count) return setStatus('No events recorded yet');
    if (!this.player) return setStatus(`${count} event recorded: not enough to replay yet`);
    this.append();
    workspace.done();
    this.progress(true);
  }
}

/**
 * The poster frame (poster.js) stands in until rrweb has rebuilt its own first
 * frame (in a timer of the replayer's constructor, so this is in time).
 * @param {Player} player
 */
function posterUntilFirstFrame(player) {
  const replayer = player.getReplayer();
  replayer.on('fullsnapshot-rebuilded', () => {
    removePoster(document);
    // rrweb rebuilds into document.open() and never closes it: an open
    // document is still loading, and while the page's own load is pending
    // (the poster delays it) it would stay pending for good. Closed here,
    // after a doctype token, so that its parser ends in standards mode (at a
    // bare end of input it would switch the frame to quirks mode).
    const frameDoc = replayer.iframe.contentDocument;
    if (frameDoc && frameDoc.readyState === 'loading' && document.readyState !== 'complete') {
      frameDoc.write('<!DOCTYPE html>');
      frameDoc.close();
    }
  });
}
