// Page views: one rrweb custom event (the config's pageEventTag) at the page
// load and at each single-page-app navigation: history.pushState/replaceState,
// popstate, hashchange. Its payload: {url, title, referrer, nav}. The title
// often changes just after pushState, so a view is sent once the title stayed
// the same for SETTLE_MS (at most MAX_WAIT_MS after the navigation).
// docs/recording.md, "Page views"; the server's timeline/pages.py reads them.

export const SETTLE_MS = 300;
export const MAX_WAIT_MS = 2000;

/** @typedef {'load' | 'push' | 'replace' | 'pop' | 'hash'} Nav */
/** @typedef {{url: string, title: string, referrer: string, nav: Nav}} PageView */
/**
 * @typedef {Object} PageEnv
 * @property {() => string} url
 * @property {() => string} title
 * @property {() => string} referrer the document's referrer (for the load)
 * @property {(f: () => void, ms: number) => any} setTimeout
 * @property {(t: any) => void} clearTimeout
 */

export class PageViews {
  /**
   * @param {(view: PageView) => void} emit
   * @param {PageEnv} env
   */
  constructor(emit, env) {
    this.emit = emit;
    this.env = env;
    /** @type {{url: string, referrer: string, nav: Nav, title: string, waited: number} | null} */
    this.pending = null;
    /** @type {string | null} the URL of the last view sent */
    this.last = null;
    this.timer = null;
  }

  /** The page is recorded from now on: its load view. */
  loaded() {
    this.begin('load', this.env.referrer());
  }

  /** @param {Nav} nav */
  navigated(nav) {
    const url = this.env.url();
    const p = this.pending;
    if (p && p.url === url) {
      if (nav === 'hash' && p.nav === 'pop') p.nav = 'hash'; // a hash link fires popstate, then hashchange
      return;
    }
    if (p && nav === 'replace') {
      p.url = url; // a router's fix-up of the URL it just pushed: the same view
      return;
    }
    if (p) this.send();
    if (url === this.last) return; // replaceState with the same URL: no new page
    this.begin(nav, this.last || this.env.referrer());
  }

  /**
   * @param {Nav} nav
   * @param {string} referrer
   */
  begin(nav, referrer) {
    this.pending = { url: this.env.url(), referrer, nav, title: this.env.title(), waited: 0 };
    this.wait();
  }

  wait() {
    this.env.clearTimeout(this.timer);
    this.timer = this.env.setTimeout(() => this.check(), SETTLE_MS);
  }

  check() {
    const p = this.pending;
    if (!p) return;
    p.waited += SETTLE_MS;
    const title = this.env.title();
    if (title !== p.title && p.waited < MAX_WAIT_MS) {
      p.title = title;
      return this.wait();
    }
    this.send();
  }

  /** Sends the pending view now (also when the page goes away). */
  send() {
    const p = this.pending;
    if (!p) return;
    this.env.clearTimeout(this.timer);
    this.pending = null;
    this.last = p.url;
    this.emit({ url: p.url, title: this.env.title(), referrer: p.referrer, nav: p.nav });
  }
}

/**
 * Calls `onNav` after each history.pushState/replaceState (the originals are
 * always called first, with their own result) and on popstate and hashchange.
 * Once per window: init() runs once.
 * @param {Window} win
 * @param {(nav: Nav) => void} onNav
 */
export function watchNavigations(win, onNav) {
  const h = win.history;
  if (!h) return;
  /** @param {Nav} nav */
  const safe = (nav) => {
    try {
      onNav(nav);
    } catch (e) {
      /* never break the page's navigation */
    }
  };
  for (const [name, nav] of /** @type {const} */ ([
    ['pushState', 'push'],
    ['replaceState', 'replace'],
  ])) {
    const original = h[name];
    h[name] = /** @type {any} */ (
      function (/** @type {any[]} */ ...args) {
        const result = original.apply(this, /** @type {any} */ (args));
        safe(nav);
        return result;
      }
    );
  }
  win.addEventListener('popstate', () => safe('pop'));
  win.addEventListener('hashchange', () => safe('hash'));
}
