// django-session-replay recorder: rrweb events -> msgpack batches -> WebSocket,
// exactly once (see docs/protocol.md). Built to recorder-main.js, which the
// loader (loader.js, built to recorder.js, <script defer> right after the
// <script type="application/json" id="session-replay-config"> element)
// fetches after the page's load event; on its own it works as well.
//
// Flow: rrweb emit -> Batcher (pending events, cut into batches with the next
// seq of this window, held in memory + sessionStorage) -> Transport (sent
// over the socket, dropped on ack). On page hide the rest goes by beacon too.
// This file only wires the modules to each other and to the page.
import { record } from '@rrweb/record';
import { canDeflate, deflate } from './codec.js';
import { readConfig, recorderConfig, wsUrl } from './config.js';
import { Batcher } from './batcher.js';
import { ContextCookie } from './context-cookie.js';
import { CONSENT_KEY, forgetAll, holdsBatches, optedOut, storedConsent } from './consent.js';
import { beacon } from './beacon.js';
import { Held } from './held.js';
import { OffThread } from './offthread.js';
import { Counter, Visitor, keepOwnership, windowId } from './identity.js';
import { answerSnapshotRequests, askFramesForSnapshots, frameRole } from './frames.js';
import { recordOptions } from './options.js';
import { PageViews, watchNavigations } from './pages.js';
import { scrubUrl, scrubWords } from './scrub.js';
import { Session } from './session.js';
import { webStore } from './storage.js';
import { Transport } from './transport.js';
import { pluginEvent, startTelemetry } from './telemetry/index.js';
import { PLUGIN as IDENTIFY, identifyPayload } from './telemetry/identify.js';

/** @typedef {import('./config.js').RecorderConfig} RecorderConfig */
/** @typedef {{start(): void, stop(): void, track(name: string, data?: unknown): void, identify(id: unknown, traits?: unknown): void, consent(given: boolean): void, readonly sessionId: string | null}} SessionReplayApi */
/** @typedef {{start(): void, stop(): void, forget(): void, track(name: string, data?: unknown): void, identify(id: unknown, traits?: unknown): void, readonly sessionId: string | null}} Recording */

// The per-tab sampling decision, this client's own storage key.
const SAMPLE_KEY = 'sr:sample';
const CONFIG_ID = 'session-replay-config';
const FULL_SNAPSHOT = 2; // rrweb EventType.FullSnapshot
const META = 4; // rrweb EventType.Meta
// The directory this script came from: its static files are never recorded as network traffic.
const SCRIPT = typeof document === 'object' && document.currentScript ? /** @type {HTMLScriptElement} */ (document.currentScript).src : '';

/**
 * What the hello frame says about the page.
 * @param {string[]} words query parameters to scrub
 */
function pageInfo(words) {
  return {
    url: scrubUrl(location.href, words),
    title: document.title || '',
    referrer: scrubUrl(document.referrer || '', words),
    ua: navigator.userAgent,
    screen: [screen.width | 0, screen.height | 0],
    viewport: [innerWidth | 0, innerHeight | 0],
  };
}

/** @param {RecorderConfig} cfg */
const contextCookie = (cfg) => new ContextCookie(document, cfg.contextCookie, cfg.contextCookieMaxAge, location.protocol === 'https:');

/**
 * @param {RecorderConfig} cfg
 * @returns {Recording}
 */
function create(cfg) {
  const words = scrubWords(cfg.scrubQueryParameters);
  const tab = webStore('sessionStorage');
  const local = webStore('localStorage');
  const win = windowId(tab, local, cfg.protocol.idRule);
  const stopOwnership = keepOwnership(win, local);
  const visitor = new Visitor(local, cfg.protocol.idRule);
  const session = new Session(local, cfg);
  const counter = new Counter(win, tab);
  const batcher = new Batcher({
    held: new Held(win, tab),
    counter,
    maxFrameBytes: cfg.maxFrameBytes,
    maxEventBytes: cfg.maxEventBytes,
    rawPace: cfg.protocol.pace.rawBytes,
    // build.mjs bundles the worker's code into this constant.
    offThread: typeof __ENCODER_WORKER__ === 'string' && typeof Worker === 'function' ? new OffThread(__ENCODER_WORKER__) : null,
    maxBufferBytes: cfg.maxBufferBytes,
    deflate: canDeflate ? deflate : null,
    compressed: pump,
  });
  const cookie = contextCookie(cfg);
  const t = new Transport(wsUrl(cfg.ws, location.href), { hello, welcome, ack, closed, drain: pump }, cfg.protocol);

  /** @type {(() => void) | null} rrweb's stop function while recording */
  let stopRecording = null;
  /** @type {ReturnType<typeof startTelemetry> | null} console, errors, network, page (telemetry/) while recording */
  let telemetry = null;
  /** @type {string | null} session id welcomed on this page */
  let sid = null;
  /** @type {ReturnType<typeof setInterval> | 0} */
  let interval = 0;
  /** @type {ReturnType<typeof setTimeout> | 0} */
  let soon = 0;
  /** Page views start with the page's first full snapshot (rrweb waits for load). */
  let pagesLoaded = false;
  const tag = cfg.pageEventTag;
  const pages = new PageViews(
    (view) => {
      try {
        if (stopRecording && tag) record.addCustomEvent(tag, view);
      } catch (e) {
        /* stopped meanwhile */
      }
    },
    {
      url: () => scrubUrl(location.href, words),
      title: () => document.title || '',
      referrer: () => scrubUrl(document.referrer || '', words),
      setTimeout: (f, ms) => setTimeout(f, ms),
      clearTimeout: (t) => clearTimeout(t),
    },
  );
  watchNavigations(window, (nav) => {
    if (telemetry) telemetry.navigated(); // the view it ends is left first
    if (tag && stopRecording && pagesLoaded) pages.navigated(nav);
  });

  function hello() {
    return {
      t: 'hello',
      v: cfg.v,
      key: cfg.key,
      token: session.resumeToken(Date.now()),
      win,
      visitor: visitor.id(),
      page: pageInfo(words),
    };
  }

  /** @param {{sid: string, token: string, seq: number, ctx?: string}} m */
  function welcome(m) {
    const now = Date.now();
    batcher.welcomed(m.sid, m.token, m.seq, now);
    session.welcomed(m.sid, m.token, now);
    sid = m.sid;
    cookie.welcomed(m.ctx, now); // set only while recording
    flush();
  }

  /** @param {number} seq */
  function ack(seq) {
    batcher.acked(seq);
    pump();
    idleClose();
  }

  /** @param {import('./transport.js').Closed} c */
  function closed(c) {
    if (c.refused) batcher.noteRefused();
    if (c.conflict) batcher.noteConflict();
    if (c.sessionFull) session.forget(counter.sid);
    if (t.fatal) {
      // bad key, forbidden origin or unsupported version: stop for this page.
      halt();
      batcher.dropPending();
      clearInterval(interval);
      interval = 0;
    }
  }

  /** Sends held batches in seq order, as far as the socket allows. */
  function pump() {
    batcher.pump((f, raw) => t.send(f, raw));
  }

  /**
   * Cuts pending events into batches (only while welcomed, unless forced).
   * @param {boolean} [force] the page is going away or recording stopped
   */
  function flush(force) {
    clearTimeout(soon);
    soon = 0;
    if (force || t.ready) {
      if (!force && stopRecording && batcher.snapshotDue()) {
        record.takeFullSnapshot(true); // emits Meta + FullSnapshot into pending
      }
      batcher.cutAll(!force);
    }
    pump();
    idleClose();
  }

  /** @param {import('@rrweb/types').eventWithTime} ev */
  function emit(ev) {
    try {
      // rrweb's Meta event carries the page's URL: scrubbed like hello's.
      if (ev.type === META && ev.data && typeof ev.data.href === 'string') ev.data.href = scrubUrl(ev.data.href, words);
      batcher.add(ev);
      if (telemetry) telemetry.saw(ev);
      if (ev.type === FULL_SNAPSHOT) snapshotTaken();
      const now = Date.now();
      if (session.touch(counter.sid, now) && t.ready) t.restart();
      cookie.touched(now);
      if (batcher.pending.bytes >= cfg.flushBytes && t.ready && !soon) soon = setTimeout(tick, 0);
    } catch (e) {
      /* never throw into rrweb or the page */
    }
  }

  function snapshotTaken() {
    if (!pagesLoaded && tag) {
      pagesLoaded = true;
      setTimeout(() => pages.loaded(), 0); // after rrweb returns: it is recording by then
    }
    if (cfg.recordCrossOriginIframes) setTimeout(() => askFramesForSnapshots(document), 0);
  }

  function tick() {
    try {
      flush();
    } catch (e) {
      /* silent */
    }
  }

  function run() {
    t.open();
    if (!interval) interval = setInterval(tick, cfg.flushIntervalMs);
  }

  /** Closes the socket once nothing is left to deliver and we are stopped. */
  function idleClose() {
    if (stopRecording || !batcher.empty) return;
    t.close();
    clearInterval(interval);
    interval = 0;
  }

  function halt() {
    cookie.stopped();
    if (telemetry) telemetry.stop();
    telemetry = null;
    if (!stopRecording) return;
    try {
      stopRecording();
    } catch (e) {
      /* ignore */
    }
    stopRecording = null;
  }

  /** Page going away or hidden: batch everything, keep it, beacon it. */
  function hide() {
    try {
      if (stopRecording) pages.send(); // a view still waiting for its title
      if (telemetry) telemetry.flush(); // requests still waiting for their timing entry
      if (batcher.empty) return;
      flush(true);
      batcher.held.saveAll();
      if (!counter.token || !navigator.sendBeacon) return;
      const envelope = { v: cfg.v, key: cfg.key, token: counter.token, win, visitor: visitor.id() };
      beacon(
        batcher.held.list,
        cfg.ingest,
        envelope,
        (url, data) => navigator.sendBeacon(url, data),
        cfg.maxBatchesPerRequest,
      );
    } catch (e) {
      /* silent */
    }
  }

  addEventListener('pagehide', hide);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') hide();
  });
  const nudge = () => t.nudge();
  addEventListener('online', nudge);
  addEventListener('pageshow', nudge);

  // Batches left by the previous page of this tab are delivered even if this
  // page does not record (yet).
  if (batcher.held.list.length) run();

  return {
    start() {
      if (stopRecording || t.fatal) return;
      try {
        stopRecording = record(recordOptions(cfg, emit)) || null;
      } catch (e) {
        stopRecording = null;
      }
      if (!stopRecording) return;
      cookie.started(Date.now()); // when this socket was welcomed before recording
      run();
      try {
        const own = [new URL(cfg.ingest, location.href).href, t.url, SCRIPT.slice(0, SCRIPT.lastIndexOf('/') + 1)];
        telemetry = startTelemetry(cfg, emit, own.filter(Boolean));
      } catch (e) {
        /* recording goes on without it */
      }
    },
    stop() {
      halt();
      try {
        flush(true); // the last events are kept and still delivered
      } catch (e) {
        /* silent */
      }
    },
    track(name, data) {
      if (!stopRecording) return;
      try {
        record.addCustomEvent(String(name), data);
      } catch (e) {
        /* silent */
      }
    },
    identify(id, traits) {
      try {
        const payload = stopRecording && identifyPayload(id, traits);
        if (payload) emit(pluginEvent(IDENTIFY, payload));
      } catch (e) {
        /* silent */
      }
    },
    forget() {
      // Consent withdrawn: stop, send nothing more, keep nothing.
      halt();
      batcher.dropPending();
      batcher.held.filter(() => false);
      t.close();
      clearInterval(interval);
      interval = 0;
      stopOwnership();
    },
    get sessionId() {
      return sid;
    },
  };
}

/**
 * In a cross-origin frame with recordCrossOriginIframes: rrweb posts the events
 * to the parent page, whose recorder stores them (frames.js). No socket, no
 * storage, no session of its own; the parent's sampling decides.
 * @param {RecorderConfig} cfg
 * @returns {Recording}
 */
function createChild(cfg) {
  /** @type {(() => void) | null} */
  let stopRecording = null;
  answerSnapshotRequests(window, () => {
    if (!stopRecording) throw new Error('not recording');
    record.takeFullSnapshot(true);
  });
  return {
    start() {
      if (stopRecording) return;
      try {
        stopRecording = record(recordOptions(cfg, undefined)) || null;
      } catch (e) {
        stopRecording = null;
      }
    },
    stop() {
      if (stopRecording) stopRecording();
      stopRecording = null;
    },
    forget() {
      this.stop();
    },
    identify() {}, // the parent page's recorder holds the identity
    track(name, data) {
      try {
        if (stopRecording) record.addCustomEvent(String(name), data);
      } catch (e) {
        /* silent */
      }
    },
    sessionId: null,
  };
}

/** Does nothing: page code may call the API whether or not we record. */
const inert = { start() {}, stop() {}, track() {}, identify() {}, consent() {}, sessionId: null };

/**
 * The page's API around a recording made only when it is first needed: until
 * then nothing is written to storage (see consent.js).
 * @param {() => Recording} make
 * @param {number} sampleRate
 * @param {() => void} forgetCookie deletes the context cookie (another tab of this site may have set it)
 * @returns {{api: SessionReplayApi, begin: () => void, make: () => Recording}}
 */
function lazyRecording(make, sampleRate, forgetCookie) {
  /** @type {Recording | null} */
  let r = null;
  const made = () => r || (r = make());
  const local = webStore('localStorage');
  const tab = webStore('sessionStorage');
  // Starts recording if this tab is in the sample (the decision is kept per tab).
  const begin = () => {
    let pick = tab.get(SAMPLE_KEY);
    if (pick !== '1' && pick !== '0') {
      pick = Math.random() < sampleRate ? '1' : '0';
      tab.set(SAMPLE_KEY, pick);
    }
    if (pick === '1') made().start();
  };
  /** @type {SessionReplayApi} */
  const api = {
    start() {
      made().start();
    },
    stop() {
      if (r) r.stop();
    },
    track(name, data) {
      if (r) r.track(name, data);
    },
    identify(id, traits) {
      if (r) r.identify(id, traits);
    },
    consent(given) {
      local.set(CONSENT_KEY, given ? '1' : '0');
      if (given) return begin();
      if (r) r.forget();
      r = null;
      forgetAll([local, tab]);
      forgetCookie();
    },
    get sessionId() {
      return r ? r.sessionId : null;
    },
  };
  return { api, begin, make: made };
}

function init() {
  const w = /** @type {Window & {SessionReplay?: SessionReplayApi}} */ (window);
  // The loader's API (loader.js): this recorder takes it over and gets the
  // calls the page made meanwhile, in order.
  const loader = /** @type {any} */ (w.SessionReplay);
  const queued = loader && typeof loader._attach === 'function' ? loader : null;
  if (w.SessionReplay && !queued) return;
  /** @param {SessionReplayApi} api */
  const take = (api) => {
    w.SessionReplay = api;
    if (queued) queued._attach(api);
  };
  const cfg = recorderConfig(readConfig(CONFIG_ID));
  const role = cfg ? frameRole(window, CONFIG_ID, cfg.recordCrossOriginIframes) : 'top';
  // Staff (by the server's word), Global Privacy Control or Do Not Track: this
  // page records nothing and writes nothing.
  const nav = typeof navigator === 'object' ? navigator : {};
  if (!cfg || optedOut(cfg, nav, /** @type {any} */ (window))) {
    take(inert); // the API still exists, so page code calling it never breaks
    return;
  }
  if (role === 'child') {
    const child = createChild(cfg);
    if (cfg.autostart) child.start();
    take({ ...child, consent() {} }); // the parent page holds consent
    return;
  }
  if (role !== 'top' || typeof WebSocket !== 'function') {
    take(inert);
    return;
  }
  const lazy = lazyRecording(() => create(cfg), cfg.sampleRate, () => contextCookie(cfg).stopped());
  try {
    // Batches an earlier page of this tab left are delivered even if this
    // page does not record (yet): they were recorded with consent.
    if (holdsBatches(webStore('sessionStorage'))) lazy.make();
    const consent = storedConsent(webStore('localStorage'));
    if (consent === true || (cfg.autostart && consent !== false)) lazy.begin();
  } catch (e) {
    /* silent: the page must never see an error from us */
  }
  take(lazy.api);
}

try {
  init();
} catch (e) {
  /* silent: the page must never see an error from us */
}
