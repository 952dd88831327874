// What the page loads first (built to static recorder.js, <script defer>):
// the page's API and the decision whether to record, in a few KB. The
// recorder itself (src/recorder.js, built to recorder-main.js: rrweb, the
// batcher, the socket) comes after the page's `load` event, on idle, from
// the URL the server puts in the config ("main"), and takes the API over.
// Until then the API queues what the page calls; the recorder replays it in
// order. Nothing here writes to storage but consent() (consent.js).
import { readConfig } from './config.js';
import { CONSENT_KEY, forgetAll, holdsBatches, optedOut, storedConsent } from './consent.js';
import { frameRole } from './frames.js';
import { webStore } from './storage.js';

const CONFIG_ID = 'session-replay-config';
// The per-tab sampling decision (recorder.js): "0" on an earlier page of this tab.
const SAMPLE_KEY = 'sr:sample';
// Calls kept for the recorder; a page that calls more before it arrives loses the rest.
const MAX_QUEUED = 1000;
// How long an idle callback may wait once the page has loaded.
const IDLE_TIMEOUT_MS = 1000;
// The loader's nonce, for the recorder's <script> (a nonce-based CSP).
const nonce = (() => {
  try {
    const s = /** @type {HTMLScriptElement | null} */ (document.currentScript);
    return (s && s.nonce) || '';
  } catch (e) {
    return '';
  }
})();

/** Does nothing: page code may call the API whether or not we record. */
const inert = { start() {}, stop() {}, track() {}, identify() {}, consent() {}, sessionId: null };

/**
 * The page's API while the recorder is not in: calls wait in a queue.
 * `_attach(api)` (the recorder's) replays them in order and forwards from then
 * on, so a reference the page kept to this object keeps working.
 * @param {() => void} load fetches the recorder (once)
 * @param {string | null} role frameRole(); a child frame leaves consent to its parent
 */
function queueing(load, role) {
  /** @type {[string, unknown[]][] | null} null once the recorder failed to load */
  let queue = [];
  /** @type {Record<string, any> | null} */
  let real = null;
  const local = webStore('localStorage');
  const tab = webStore('sessionStorage');
  /**
   * @param {string} name
   * @param {(...a: any[]) => void} [before] done at once, before queueing
   */
  const method =
    (name, before) =>
    (/** @type {unknown[]} */ ...args) => {
      try {
        if (real) return typeof real[name] === 'function' ? real[name](...args) : undefined;
        if (before) before(...args);
        if (queue && queue.length < MAX_QUEUED) queue.push([name, args]);
      } catch (e) {
        /* never throw into the page */
      }
    };
  const api = {
    start: method('start', load),
    stop: method('stop'),
    track: method('track'),
    identify: method('identify'),
    consent: method('consent', (/** @type {unknown} */ given) => {
      if (role === 'child') return; // the parent page holds consent
      // The choice is kept at once, so a page left before the recorder
      // arrives keeps it too; the recorder then does the rest.
      local.set(CONSENT_KEY, given ? '1' : '0');
      if (given) load();
      else forgetAll([local, tab]);
    }),
    get sessionId() {
      return real ? real.sessionId : null;
    },
  };
  Object.defineProperty(api, '_attach', {
    /** @param {Record<string, any>} r the recorder's API */
    value(r) {
      real = r;
      const calls = queue || [];
      queue = [];
      for (const [name, args] of calls) {
        try {
          if (typeof r[name] === 'function') r[name](...args);
        } catch (e) {
          /* the next call still runs */
        }
      }
    },
  });
  Object.defineProperty(api, '_failed', {
    value() {
      queue = null; // stays inert: nothing is kept for a recorder that will not come
    },
  });
  return api;
}

/**
 * Appends <script src=url> once the page has loaded, when the browser is idle.
 * @param {string} url
 * @param {() => void} failed
 */
function loader(url, failed) {
  let asked = false;
  const inject = () => {
    try {
      const s = document.createElement('script');
      s.src = url;
      s.async = true;
      if (nonce) s.nonce = nonce;
      s.onerror = failed;
      (document.head || document.documentElement).appendChild(s);
    } catch (e) {
      failed();
    }
  };
  const soon = () => {
    const idle = window.requestIdleCallback;
    if (typeof idle === 'function') idle(inject, { timeout: IDLE_TIMEOUT_MS });
    else setTimeout(inject, 0);
  };
  return () => {
    if (asked) return;
    asked = true;
    if (document.readyState === 'complete') soon();
    else addEventListener('load', soon);
  };
}

function init() {
  const w = /** @type {Window & {SessionReplay?: unknown}} */ (window);
  if (w.SessionReplay) return;
  const cfg = readConfig(CONFIG_ID);
  // Staff (by the server's word), Global Privacy Control or Do Not Track: this
  // page records nothing and writes nothing, and the recorder is not fetched.
  const nav = typeof navigator === 'object' ? navigator : {};
  if (!cfg || typeof cfg.main !== 'string' || optedOut(cfg, nav, /** @type {any} */ (window))) {
    w.SessionReplay = inert; // the API still exists, so page code calling it never breaks
    return;
  }
  const role = frameRole(window, CONFIG_ID, cfg.recordCrossOriginIframes === true);
  if (role === 'inside' || (role === 'top' && typeof WebSocket !== 'function')) {
    w.SessionReplay = inert;
    return;
  }
  /** @type {any} */
  let api = null;
  const fetchRecorder = loader(cfg.main, () => api._failed());
  api = queueing(fetchRecorder, role);
  w.SessionReplay = api;
  try {
    const local = webStore('localStorage');
    const tab = webStore('sessionStorage');
    const consent = storedConsent(local);
    const records = cfg.autostart !== false ? consent !== false : consent === true;
    // Fetched when this page will record (unless this tab was left out of the
    // sample), or holds batches an earlier page of the tab left to deliver.
    if (role === 'child' ? cfg.autostart !== false : holdsBatches(tab) || (records && tab.get(SAMPLE_KEY) !== '0')) {
      fetchRecorder();
    }
  } catch (e) {
    /* silent: the page must never see an error from us */
  }
}

try {
  init();
} catch (e) {
  /* silent: the page must never see an error from us */
}
