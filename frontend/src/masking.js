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

// rrweb's own classes, on by default in record(): text under .rr-mask is
// masked, an element with .rr-block is not recorded.
const RR_MASK = '.rr-mask';
const RR_BLOCK = '.rr-block';
// Elements whose text the recording never shows as page text: scripts and
// styles, and form fields (their content is a value, masked as an input).
const SKIP = ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SELECT', 'TEXTAREA', 'OPTION'];
const MAX_NODES = 200;

/** @typedef {ReturnType<typeof maskingOptions>} MaskingOptions */

/**
 * @param {Element} el
 * @param {string} selector
 */
function matches(el, selector) {
  try {
    return el.matches(selector);
  } catch (e) {
    return false;
  }
}

/**
 * Whether rrweb leaves this element out of the recording (it or an ancestor is blocked).
 * @param {MaskingOptions} o
 * @param {Element} el
 */
export const blocked = (o, el) => inside(el, [o.blockSelector, RR_BLOCK].filter(Boolean).join(', '));

/**
 * An element's text as the recording has it, whitespace collapsed, cut to
 * `max` characters; null when the element is inside a blocked one (the
 * recording holds nothing of it). Each text node is masked as rrweb masks it
 * with these options: by maskTextFn when its parent is inside the mask selector.
 * @param {MaskingOptions} o
 * @param {Element} el
 * @param {number} max
 * @returns {string | null}
 */
export function recordedText(o, el, max) {
  if (blocked(o, el)) return null;
  const block = [o.blockSelector, RR_BLOCK].filter(Boolean).join(', ');
  const mask = [o.maskTextSelector, RR_MASK].filter(Boolean).join(', ');
  /** @type {string[]} */
  const out = [];
  let nodes = 0;
  let chars = 0;
  /** @param {Node} n */
  const walk = (n) => {
    for (let c = n.firstChild; c && nodes < MAX_NODES && chars <= max * 4; c = c.nextSibling) {
      nodes++;
      if (c.nodeType === 3) {
        const text = c.nodeValue || '';
        const parent = /** @type {HTMLElement} */ (n);
        const shown = inside(parent, mask) ? o.maskTextFn(text, parent) : text;
        out.push(shown);
        chars += shown.length;
      } else if (c.nodeType === 1) {
        const e = /** @type {Element} */ (c);
        if (SKIP.indexOf(e.tagName.toUpperCase()) < 0 && !matches(e, block)) walk(e);
      }
    }
  };
  walk(el);
  const text = out.join('').replace(/\s+/g, ' ').trim();
  return text.length > max ? text.slice(0, max) : text;
}
