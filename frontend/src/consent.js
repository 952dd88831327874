// Whether this page may record at all, and the visitor's consent. Nothing here
// writes to storage except consent() itself: until the visitor consents (or
// the site starts recording without asking, autostart), the recorder keeps no
// cookie, localStorage or sessionStorage key, not even its sampling decision.
/** @typedef {import('./storage.js').Store} Store */

// localStorage: "1" consented, "0" declined (or withdrew). This client's own key.
export const CONSENT_KEY = 'sr:consent';
// Every key of ours starts so (held.js, identity.js, session.js, the sampling decision).
const OURS = 'sr:';

/**
 * Why this page must not record, or null. The server says so for staff users
 * and for requests that sent Sec-GPC or DNT (config.optOut); the browser's
 * own signals are read here as well, as the server may sit behind a cache.
 * Global Privacy Control is always honoured; Do Not Track unless the site
 * turned respectDoNotTrack off.
 * @param {{optOut?: string | null, respectDoNotTrack?: boolean}} cfg
 * @param {{globalPrivacyControl?: boolean, doNotTrack?: string | null}} nav navigator
 * @param {{doNotTrack?: string | null}} [win] window (old browsers put doNotTrack there)
 * @returns {string | null}
 */
export function optedOut(cfg, nav, win = {}) {
  if (cfg.optOut) return cfg.optOut;
  if (nav.globalPrivacyControl === true) return 'gpc';
  const dnt = nav.doNotTrack === '1' || nav.doNotTrack === 'yes' || win.doNotTrack === '1';
  if (dnt && cfg.respectDoNotTrack !== false) return 'dnt';
  return null;
}

/**
 * The visitor's stored choice: true, false, or null when never asked.
 * @param {Store} local
 */
export function storedConsent(local) {
  const v = local.get(CONSENT_KEY);
  return v === '1' ? true : v === '0' ? false : null;
}

/**
 * Whether an earlier page of this tab left batches to deliver (it recorded,
 * so recording was allowed then).
 * @param {Store} tab sessionStorage
 */
export function holdsBatches(tab) {
  return tab.keys('sr:b:').length > 0; // held.js's keys, of any window
}

/**
 * Withdrawn consent: every key of ours goes, but the choice itself.
 * @param {Store[]} stores
 */
export function forgetAll(stores) {
  for (const s of stores) for (const k of s.keys(OURS)) if (k !== CONSENT_KEY) s.del(k);
}
