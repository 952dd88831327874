// What the recorder masks, by the server's privacy mode (privacy/modes.py):
// strict masks all text and blocks media, balanced masks digits, e-mail
// addresses and the site's own patterns in page text, relaxed masks inputs
// only. A masked value never keeps its length: an input's value becomes
// INPUT_MASK, a masked word WORD_MASK, whatever they were.

export const INPUT_MASK = '******';
export const WORD_MASK = '***';

/** @typedef {{mode: string, patterns?: string[], blockMedia?: string}} Privacy */

/** @param {string} text */
const maskWords = (text) => text.replace(/\S+/g, WORD_MASK);

/** @param {string} text */
export const maskInput = (text) => (text ? INPUT_MASK : text);

/**
 * @param {string[]} sources
 * @returns {RegExp[]}
 */
function compile(sources) {
  /** @type {RegExp[]} */
  const out = [];
  for (const s of sources) {
    try {
      out.push(new RegExp(s, 'g'));
    } catch (e) {
      /* the server checked them as Python regexes; one JavaScript refuses is skipped */
    }
  }
  return out;
}

/**
 * @param {Element | null} el
 * @param {string | null} selector
 */
function inside(el, selector) {
  if (!el || !selector) return false;
  try {
    return !!el.closest(selector);
  } catch (e) {
    return false;
  }
}

/**
 * rrweb's masking options for a mode.
 * @param {Privacy | undefined} privacy
 * @param {string | null} siteSelector the site's own selector of text to mask whole
 * @param {string | null} blockSelector the site's own selector of elements to block
 * @param {string | null} [maskClass] text the server marked to mask whole (session_replay_mask)
 */
export function maskingOptions(privacy, siteSelector, blockSelector, maskClass) {
  // In every mode: the site's selector and the server's mask class, masked whole.
  const maskTextSelector = [siteSelector, maskClass ? '.' + maskClass : null].filter(Boolean).join(', ') || null;
  const mode = privacy ? privacy.mode : 'strict'; // no mode from the server: the safest
  const patterns = compile((privacy && privacy.patterns) || []);
  const block = [blockSelector, privacy && privacy.blockMedia].filter(Boolean).join(', ');
  /** @type {{maskTextSelector?: string, maskTextFn: (text: string, el: HTMLElement | null) => string}} */
  let text = { maskTextSelector: maskTextSelector || undefined, maskTextFn: maskWords };
  if (mode === 'strict') text = { maskTextSelector: '*', maskTextFn: maskWords };
  else if (mode === 'balanced' && patterns.length) {
    text = {
      maskTextSelector: '*', // every text node comes to maskTextFn, which masks what matches
      maskTextFn: (t, el) => {
        if (inside(el, maskTextSelector)) return maskWords(t);
        for (const re of patterns) t = t.replace(re, WORD_MASK);
        return t;
      },
    };
  }
  return { ...text, maskInputFn: maskInput, blockSelector: block || undefined };
}
