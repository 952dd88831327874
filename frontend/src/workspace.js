// The replay workspace around the player (issue 13): our controls, the
// keyboard, the marker bar, the page shown, the side panels and notes.
// player.js hands it the events as they arrive and the player once it is up;
// the timeline and the notes come from the API (their URLs in the config).
import { Controls, SPEEDS } from './controls.js';
import { clock, currentIndex, inactivePeriods, linkAt, merged, noteEntry, pageAt, startOffset } from './entries.js';
import { bindKeys } from './keys.js';
import { activity, consolePanel, errorsPanel, markCurrent, networkPanel, notesList, serverPanel } from './lists.js';
import { drawMarkers } from './markers.js';
import { FOLLOW_BEHIND_MS, LiveEdge } from './follow.js';
import { SWITCH_AFTER_MS, offsetIn, switchTo, tabLink, tabName, windowAt } from './tabs.js';
import { bindTabs } from './panels.js';
import { consoleRecords, networkRecords } from './records.js';

/** @typedef {import('./view.js').Player} Player */
/** @typedef {import('./entries.js').Entry} Entry */
/** @typedef {import('@rrweb/types').eventWithTime} RrwebEvent */

const META = 4; // rrweb EventType.Meta
// Redrawing the panels from events that keep arriving waits this long after the last.
const REDRAW_MS = 400;
// A live session: the watcher's status line, the facts and the timeline are
// brought up to date this often.
const TICK_MS = 1000;
const REFRESH_MS = 5000;

/**
 * @typedef {Object} WorkspaceConfig
 * @property {string} [timelineUrl]
 * @property {string} [notesUrl]
 * @property {boolean} [canAddNote]
 * @property {string} [window]
 * @property {boolean} [autoplay]
 * @property {boolean} [live]
 * @property {Record<string, string>} [kindLabels]
 * @property {string} [sessionUrl] the session's API detail: the facts of a live session
 * @property {import('./tabs.js').Tab[]} [tabs] the session's tabs, each with its first event's time, number and first page's title
 * @property {string} [sessionTimelineUrl] the timeline of every tab: which one the visitor used when
 */

/**
 * @param {string} url
 * @returns {Promise<any>}
 */
async function getJson(url) {
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`the server answered ${res.status}`);
  return res.json();
}

/** @param {Document} doc @param {string} id */
const byId = (doc, id) => /** @type {HTMLElement | null} */ (doc.getElementById(id));

export class Workspace {
  /**
   * @param {Document} doc
   * @param {WorkspaceConfig} cfg
   */
  constructor(doc, cfg) {
    this.doc = doc;
    this.cfg = cfg;
    this.labels = cfg.kindLabels || {};
    /** @type {RrwebEvent[]} every event, as it came */
    this.events = [];
    /** @type {RrwebEvent[]} */
    this.metas = [];
    /** @type {Entry[]} the timeline of every tab (of the tab shown, with one tab) */
    this.timeline = [];
    /** @type {Entry[]} the notes of the tab shown: the Notes panel */
    this.notes = [];
    /** @type {Entry[]} the notes of every tab: markers and Activity rows */
    this.allNotes = [];
    /** @type {Entry[]} the timeline and the notes by time: the Activity rows */
    this.entries = [];
    /** @type {Player | null} */
    this.player = null;
    /** @type {Controls | null} */
    this.controls = null;
    this.current = 0;
    this.playing = false;
    this.speed = 1;
    this.skip = true;
    this.loaded = false;
    /** @type {number | null} a ?t= past what has arrived yet */
    this.pendingStart = null;
    this.pendingPlay = false;
    /** @type {{ts: number, play: boolean} | null} where the next tab's player starts (a switch) */
    this.startAt = null;
    /** @type {((win: string) => void) | null} loads a tab's events into a new player (player.js) */
    this.loadTab = null;
    this.bound = false; // the controls and keys, bound with the first player
    this.liveStarted = false;
    // A player of the whole tab is taking over from one joined at its last
    // snapshot: the events it is given are not new (the live edge is not moved).
    this.swapping = false;
    // A joined session whose visitor had left: the whole tab plays from its start.
    this.fromStart = false;
    /** @type {number | null} the ?t= last written (null: none) */
    this.urlOffset = -1;
    /** @type {HTMLElement[]} */
    this.activityRows = [];
    this.activityIndex = -1;
    this.pageKey = ''; // the page shown above the frame
    /** @type {Entry[]} */
    this.pageViews = [];
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.redrawTimer = undefined;
    this.timelineState = 'loading';
    this.notesAdded = 0; // notes added here: a refresh under way leaves them be
    /** @type {LiveEdge | null} an active session's live edge */
    this.edge = cfg.live ? new LiveEdge() : null;
    // A link to a moment (?t=) opens there, not at the live edge; so does a
    // replay opened paused (AUTOPLAY off).
    if (this.edge && (startOffset(location.search) !== null || !cfg.autoplay)) this.edge.following = false;
    this.switching = false;
    /** @type {string | null} the tab in use when the watcher chose the one shown (tabs.js switchTo) */
    this.held = null;
    this.pinned = new URLSearchParams(location.search).get('pin') === '1';
    this.bindPin();
    this.bindTabLinks();

    const tabs = doc.querySelector('.session-replay-tabs');
    if (tabs) bindTabs(/** @type {HTMLElement} */ (tabs));
    this.bindNoteForm();
    this.fetchTimeline();
  }

  /** The player's time 0 (epoch ms): its first event, or the first one seen. */
  get start() {
    if (this.player) return this.player.getReplayer().getMetaData().startTime;
    return this.events.length ? this.events[0].timestamp : 0;
  }

  get total() {
    return this.player ? this.player.getReplayer().getMetaData().totalTime : 0;
  }

  /** @param {RrwebEvent[]} events */
  addEvents(events) {
    for (const e of events) {
      this.events.push(e);
      if (e.type === META) this.metas.push(e);
    }
    if (this.edge && !this.swapping) this.edge.arrive(events);
    if (this.loaded) {
      this.scheduleRedraw();
      // The player takes appended events a microtask later: follow after it.
      setTimeout(() => this.follow());
    }
    this.updateControls();
  }

  /** While following a live session, keep the player near the newest event. */
  follow() {
    if (!this.edge || !this.player) return;
    const to = this.edge.target({ current: this.current, total: this.total, playing: this.playing });
    if (to !== null) this.player.goto(to, true);
  }

  /** A seek or pause by the watcher: no longer following, unless at the edge. @param {number} [to] */
  unfollow(to) {
    if (this.edge && (to === undefined || to < this.total - FOLLOW_BEHIND_MS * 2)) this.edge.following = false;
  }

  /** The stored events (of the tab shown) are all in. */
  done() {
    this.loaded = true;
    this.switching = false;
    this.swapping = false;
    if (this.edge) this.startLive();
    if (this.player && this.pendingStart !== null) {
      const t = Math.min(this.pendingStart, this.total);
      this.pendingStart = null;
      this.player.goto(t, this.pendingPlay);
    }
    this.redraw();
  }

  /** @param {Player} player the first, or the next tab's */
  attach(player) {
    this.player = player;
    if (!this.bound) this.bind();
    player.addEventListener('ui-update-current-time', (p) => {
      if (this.player !== player) return;
      this.current = Number(/** @type {any} */ (p).payload) || 0;
      this.updateControls();
    });
    player.addEventListener('ui-update-player-state', (p) => {
      if (this.player !== player) return;
      this.playing = /** @type {any} */ (p).payload === 'playing';
      this.updateControls();
    });
    // A replayed page may focus its fields: the iframe is never a tab stop
    // (keepFocus gives the focus back).
    player.getReplayer().iframe.tabIndex = -1;
    // The watcher's speed and skipping carry over to the next tab's player.
    if (this.speed !== 1) player.setSpeed(this.speed);
    if (!this.skip) player.toggleSkipInactive();
    const at = this.startAt;
    this.startAt = null;
    const t = at ? Math.max(0, at.ts - this.start) : startOffset(location.search);
    const play = at ? at.play : !!this.cfg.autoplay;
    if (this.edge && this.edge.following) {
      /* done() takes the player to the live edge */
    } else if (t !== null && t > this.total && !this.loaded) {
      this.pendingStart = t;
      this.pendingPlay = play;
    } else if (t !== null) player.goto(Math.min(t, this.total), play);
    else if (this.cfg.autoplay) player.play();
    this.redraw();
  }

  /** The controls, the keys and the page's own listeners: once, for every player to come. */
  bind() {
    this.bound = true;
    const root = byId(this.doc, 'session-replay-controls');
    if (root) {
      this.controls = new Controls(root, {
        toggle: () => this.toggle(),
        seek: (offset) => {
          this.unfollow(offset);
          if (this.player) this.player.goto(offset);
        },
        setSpeed: (s) => this.setSpeed(s),
        setSkip: (on) => this.setSkip(on),
        toLive: () => this.toLive(),
        copyLink: (offset) => this.copyLink(offset),
        shortcuts: () => this.shortcuts(),
      });
    }
    this.keepFocus();
    bindKeys(this.doc, {
      toggle: () => this.toggle(),
      skipBy: (d) => {
        if (!this.player) return;
        const to = Math.min(this.total, Math.max(0, this.current + d));
        this.unfollow(to);
        this.player.goto(to);
      },
      speedBy: (step) => {
        const i = SPEEDS.indexOf(this.speed) + step;
        if (i >= 0 && i < SPEEDS.length) this.setSpeed(SPEEDS[i]);
      },
      toggleSkip: () => this.setSkip(!this.skip),
      toLive: () => this.toLive(),
      shortcuts: () => this.shortcuts(),
    });
    // A seek button or marker is a seek by the watcher too.
    this.doc.addEventListener('click', (e) => {
      const target = /** @type {Element | null} */ (e.target);
      const seek = target && target.closest && target.closest('[data-session-replay-ts]');
      if (seek) this.unfollow();
    }, true);
  }

  /** An active session: follow it, tell how the visitor is doing, keep facts and timeline current. */
  startLive() {
    const edge = this.edge;
    if (!edge || !this.player) return;
    if (edge.following && edge.leaving && !this.liveStarted) {
      // Still Active by its last activity, but the visitor left the page: a
      // replay from the start, as for any finished session.
      edge.following = false;
      this.fromStart = true;
      this.player.play();
    }
    if (edge.following) this.follow();
    if (this.liveStarted) return; // the next tab's player: the timers run already
    this.liveStarted = true;
    // this.edge, not edge: another tab shown has an edge of its own.
    setInterval(() => {
      this.follow();
      if (this.controls && this.edge) this.controls.sayLive(this.edge.status());
    }, TICK_MS);
    setInterval(() => {
      if (this.edge && !this.edge.ended) {
        this.refreshFacts();
        this.fetchTimeline();
      }
    }, REFRESH_MS);
  }

  /** The facts above the player, from the session's API detail. */
  async refreshFacts() {
    if (!this.cfg.sessionUrl || !this.edge) return;
    let s;
    try {
      s = await getJson(this.cfg.sessionUrl);
    } catch (err) {
      return; // the next refresh tries again
    }
    const set = (/** @type {string} */ name, /** @type {string} */ text) => {
      const node = this.doc.querySelector(`[data-session-replay-fact="${name}"]`);
      if (node) node.textContent = text;
    };
    set('status', s.status);
    set('duration', clock(Number(s.duration_ms) || 0));
    set('pages', `${s.page_count} ${s.page_count === 1 ? 'page' : 'pages'}`);
    set('errors', `${s.js_error_count} JS, ${s.console_error_count} console, ${s.failed_request_count} failed requests`);
    if (s.status !== 'Active') this.edge.ended = true;
  }

  /**
   * A replayed page that focuses one of its fields pulls the focus into the
   * replay's iframe, where the page's shortcuts no longer hear the keys: the
   * focus goes back to where it was (the iframe is never a tab stop either).
   * The frame is the current player's: another tab's player has its own.
   */
  keepFocus() {
    const frame = () => (this.player ? this.player.getReplayer().iframe : null);
    /** @type {HTMLElement | null} */
    let last = null;
    this.doc.addEventListener('focusin', (e) => {
      if (e.target !== frame()) last = /** @type {HTMLElement} */ (e.target);
    });
    addEventListener('blur', () =>
      setTimeout(() => {
        const f = frame();
        if (!f || this.doc.activeElement !== f) return;
        f.blur();
        if (last && last.isConnected) last.focus({ preventScroll: true });
      })
    );
  }

  toggle() {
    if (!this.player) return;
    if (this.playing) {
      this.unfollow();
      this.player.pause();
    } else this.player.play();
  }

  /** @param {number} s */
  setSpeed(s) {
    if (!this.player) return;
    this.speed = s;
    this.player.setSpeed(s);
    this.updateControls();
  }

  /** @param {boolean} on */
  setSkip(on) {
    if (!this.player || on === this.skip) return;
    this.skip = on;
    this.player.toggleSkipInactive();
    this.updateControls();
  }

  toLive() {
    if (!this.player || !this.cfg.live) return;
    if (this.edge) this.edge.following = true;
    this.player.goto(Math.max(0, this.total - FOLLOW_BEHIND_MS), true);
  }

  /** @param {number} offset */
  copyLink(offset) {
    const link = linkAt(location.href, offset);
    const say = (/** @type {string} */ text) => this.controls && this.controls.say(text);
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(link).then(
        () => say(`Link to ${clock(offset)} copied`),
        () => say(link) // no clipboard permission: the link to copy by hand
      );
    } else say(link);
  }

  shortcuts() {
    const dialog = /** @type {HTMLDialogElement | null} */ (byId(this.doc, 'session-replay-shortcuts'));
    if (dialog && !dialog.open && typeof dialog.showModal === 'function') dialog.showModal();
  }

  updateControls() {
    if (!this.controls) return;
    this.controls.update({ current: this.current, total: this.total, playing: this.playing, speed: this.speed, skip: this.skip, live: !!this.cfg.live });
    const now = this.start + this.current;
    this.followTab(now);
    const i = currentIndex(this.entries, now);
    markCurrent(this.activityRows, i, this.activityIndex);
    this.activityIndex = i;
    this.showLocation(now);
    this.keepUrl();
  }

  /** The URL and title above the frame: the page playing now. @param {number} now */
  showLocation(now) {
    const page = pageAt(this.pageViews, now, this.metas);
    const key = page ? `${page.title}\n${page.url}` : '';
    if (!page || key === this.pageKey) return;
    this.pageKey = key;
    const box = byId(this.doc, 'session-replay-location');
    const t = box && box.querySelector('.session-replay-location-title');
    const u = box && box.querySelector('.session-replay-location-url');
    if (t) t.textContent = page.title;
    if (u) u.textContent = page.url;
  }

  /**
   * Playing, the replay moves to the tab the visitor went on with, unless the
   * watcher pinned this one. @param {number} now
   */
  followTab(now) {
    const tabs = this.cfg.tabs || [];
    if (this.switching || !this.playing || !this.loaded || tabs.length < 2) return;
    // The visitor left the tab they were in when the watcher chose: followed again.
    if (this.held && windowAt(this.timeline, now - SWITCH_AFTER_MS) !== this.held) this.held = null;
    const to = switchTo({ moments: this.timeline, tabs, shown: this.cfg.window || '', now, pinned: this.pinned, held: this.held });
    if (!to) return;
    this.held = null;
    if (this.controls) this.controls.say(`The visitor went on in ${tabName(tabs, to.window) || 'another tab'}.`);
    this.switchTab(to.window, now, true);
  }

  /**
   * The replay goes on in another tab, in place: that tab's events load into
   * a new player, which starts at the same moment of the session (`ts`,
   * epoch ms); the URL says where it is (?window=…&t=…), so a copied link
   * or a reload opens the same. The tab shown: a seek there.
   * @param {string} win
   * @param {number} ts
   * @param {boolean} play
   * @returns {boolean} false: no such tab, or the player is not up yet
   */
  switchTab(win, ts, play) {
    const tabs = this.cfg.tabs || [];
    if (!tabs.some((t) => t.window === win) || !this.player) return false;
    if (win === this.cfg.window) {
      this.player.goto(Math.max(0, Math.min(this.total, ts - this.start)), play);
      return true;
    }
    if (!this.loadTab) return false;
    this.switching = true;
    this.startAt = { ts, play };
    if (this.player) this.player.pause(); // shown, still, until the next one is up
    this.player = null;
    this.cfg.window = win;
    this.events = [];
    this.metas = [];
    this.loaded = false;
    this.pendingStart = null;
    this.pageKey = '';
    this.current = offsetIn(tabs, win, ts);
    if (this.edge) {
      // The next tab's live edge is its own; following or not carries over.
      const edge = new LiveEdge();
      edge.following = this.edge.following;
      edge.ended = this.edge.ended;
      this.edge = edge;
    }
    this.markTab(win);
    this.writeUrl(this.current);
    this.loadTab(win);
    return true;
  }

  /**
   * The watcher chose a tab (its link, one of its markers or rows): shown at
   * `ts`, and not left for the tab the visitor was using then.
   * @param {string} win
   * @param {number} ts
   * @param {boolean} play
   * @returns {boolean} as switchTab
   */
  chooseTab(win, ts, play) {
    const held = win !== this.cfg.window ? windowAt(this.timeline, ts) : this.held;
    if (!this.switchTab(win, ts, play)) return false;
    this.held = held;
    return true;
  }

  /**
   * The tab's every event is in a new player, which replaces the one that
   * joined it at its last full snapshot (tabload.js): it starts where that
   * one is (at the live edge, when following), as it was, playing or not.
   */
  beginSwap() {
    const following = !!(this.edge && this.edge.following);
    const at = this.fromStart ? 0 : this.start + this.current;
    this.startAt = following ? null : { ts: at, play: this.playing || this.fromStart };
    this.fromStart = false;
    if (this.player) this.player.pause();
    this.player = null;
    this.swapping = true;
    this.events = [];
    this.metas = [];
    this.loaded = false;
    this.pendingStart = null;
  }

  /** The tab switcher above the player marks the tab shown. @param {string} win */
  markTab(win) {
    for (const a of this.doc.querySelectorAll('.session-replay-windows a[data-session-replay-window]')) {
      if (a.getAttribute('data-session-replay-window') === win) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  /**
   * A session of several tabs keeps its URL on the tab and moment shown
   * (each second of play at most), so a link copied from the address bar
   * opens there; a live session followed at its edge leaves ?t= out, so a
   * reload follows it again.
   */
  keepUrl() {
    if ((this.cfg.tabs || []).length < 2 || !this.player || !this.loaded || this.switching) return;
    if (this.edge && this.edge.following) {
      if (this.urlOffset !== null) this.writeUrl(null);
    } else if (this.urlOffset === null || Math.abs(this.current - this.urlOffset) >= 1000) this.writeUrl(this.current);
  }

  /** @param {number | null} offset */
  writeUrl(offset) {
    this.urlOffset = offset === null ? null : Math.round(offset);
    const href = tabLink(location.href, this.cfg.window || '', this.urlOffset);
    if (href !== location.href) history.replaceState(history.state, '', href);
  }

  /**
   * The tab switcher's links switch in place, at the moment playing (a
   * modified click still opens the link, in a new browser tab say).
   */
  bindTabLinks() {
    for (const a of this.doc.querySelectorAll('.session-replay-windows a[data-session-replay-window]')) {
      a.addEventListener('click', (e) => {
        const ev = /** @type {MouseEvent} */ (e);
        const win = a.getAttribute('data-session-replay-window') || '';
        if (!this.player || !this.loaded || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
        e.preventDefault();
        this.chooseTab(win, this.start + this.current, this.playing);
      });
    }
  }

  /** The "Pin this tab" checkbox: kept in the URL (?pin=1), so a reload keeps it. */
  bindPin() {
    const box = /** @type {HTMLInputElement | null} */ (byId(this.doc, 'session-replay-pin'));
    if (!box) return;
    box.checked = this.pinned;
    box.addEventListener('change', () => {
      this.pinned = box.checked;
      const u = new URL(location.href);
      if (this.pinned) u.searchParams.set('pin', '1');
      else u.searchParams.delete('pin');
      history.replaceState(history.state, '', u.href);
    });
  }

  scheduleRedraw() {
    clearTimeout(this.redrawTimer);
    this.redrawTimer = setTimeout(() => this.redraw(), REDRAW_MS);
  }

  /** Markers, shading and every panel, from what is in now. */
  redraw() {
    const start = this.start;
    const total = this.total || (this.events.length ? this.events[this.events.length - 1].timestamp - start : 0);
    const end = start + total;
    // Markers and Activity rows: every tab's (issue 13); the page shown, the
    // errors and the server panels: the tab shown's.
    const entries = merged(this.timeline, this.allNotes);
    this.entries = entries;
    const shown = this.cfg.window || '';
    const tabs = { tabs: this.cfg.tabs || [], shown };
    const own = tabs.tabs.length > 1 ? this.timeline.filter((e) => e.window === shown) : this.timeline;
    this.notes = this.allNotes.filter((n) => !n.window || !shown || n.window === shown);
    const nav = /** @type {HTMLElement | null} */ (this.doc.querySelector('.session-replay-markers'));
    if (nav && this.timelineState === 'ready' && start) drawMarkers(nav, entries, start, end, this.labels, tabs);
    if (this.controls && this.loaded) {
      this.controls.shade(
        inactivePeriods(this.events).map(([a, b]) => /** @type {[number, number]} */ ([a - start, b - start])),
        total
      );
    }
    this.pageViews = own.filter((e) => e.kind === 'page_view');
    const panel = (/** @type {string} */ id) => byId(this.doc, `session-replay-panel-${id}`);
    if (this.timelineState === 'failed') {
      for (const id of ['activity', 'errors', 'server']) {
        const p = panel(id);
        if (p) p.textContent = 'The timeline could not be loaded.';
      }
    } else if (this.timelineState === 'ready' && start) {
      const a = panel('activity');
      if (a) this.activityRows = activity(a, entries, start, this.labels, tabs);
      this.activityIndex = -1;
      const e = panel('errors');
      if (e) errorsPanel(e, own, start, this.labels);
      const s = panel('server');
      if (s) serverPanel(s, own, start);
      const list = /** @type {HTMLElement | null} */ (this.doc.querySelector('.session-replay-notes'));
      if (list) notesList(list, this.notes, start);
    }
    if (this.loaded && start) {
      const c = panel('console');
      if (c) consolePanel(c, consoleRecords(this.events), start);
      const n = panel('network');
      if (n) networkPanel(n, networkRecords(this.events), start, end);
    }
    this.updateControls();
  }

  async fetchTimeline() {
    const cfg = this.cfg;
    // A note added while this read was under way is not in its answer: the
    // notes are then kept as they are (the next refresh brings them all).
    const added = this.notesAdded;
    // Several tabs: the session's timeline, every tab's entries (each with its
    // window), which also tells which tab the visitor was using when.
    const several = (cfg.tabs || []).length > 1 && !!cfg.sessionTimelineUrl;
    const url = several ? cfg.sessionTimelineUrl : cfg.timelineUrl;
    try {
      const [rows, notes] = await Promise.all([url ? getJson(url) : [], cfg.notesUrl ? getJson(cfg.notesUrl) : []]);
      this.timeline = Array.isArray(rows) ? rows : [];
      if (added === this.notesAdded) this.allNotes = (Array.isArray(notes) ? notes : []).map(noteEntry);
      this.timelineState = 'ready';
    } catch (err) {
      this.timelineState = 'failed';
    }
    this.redraw();
  }

  bindNoteForm() {
    const form = /** @type {HTMLFormElement | null} */ (byId(this.doc, 'session-replay-note-form'));
    if (!form || !this.cfg.notesUrl) return;
    const url = this.cfg.notesUrl;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const text = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('note'));
      const token = /** @type {HTMLInputElement | null} */ (form.elements.namedItem('csrfmiddlewaretoken'));
      const status = form.querySelector('.session-replay-note-status');
      const say = (/** @type {string} */ s) => status && (status.textContent = s);
      if (!this.player) return say('The player is not ready yet.');
      // The replayer's own time, and the highlight's: the last time update may lag it.
      this.current = this.player.getReplayer().getCurrentTime();
      const ts = Math.round(this.start + this.current);
      try {
        const res = await fetch(url, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token ? token.value : '' },
          body: JSON.stringify({ ts, window: this.cfg.window || '', text: text.value }),
        });
        if (res.status !== 201) throw new Error(`the server answered ${res.status}`);
        this.allNotes = merged(this.allNotes, [noteEntry(await res.json())]);
        this.notesAdded++;
        text.value = '';
        say(`Note added at ${clock(ts - this.start)}.`);
        this.redraw();
      } catch (err) {
        say(`The note was not saved: ${/** @type {Error} */ (err).message}`);
      }
    });
  }
}
