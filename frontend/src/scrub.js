// URL query parameters that carry secrets (?token=…, ?session=…) lose their
// values before a URL leaves the page: in hello, in rrweb's Meta events and in
// page views. The server scrubs again what it stores (privacy/scrub.py); the
// names come from its SCRUB_QUERY_PARAMETERS, matched as in there: a
// parameter goes when its lower-cased name contains one of them.

export const REDACTED = '***';

/**
 * @param {string} url
 * @param {string[]} words lower-case
 * @returns {string}
 */
export function scrubUrl(url, words) {
  if (!url || url.indexOf('?') < 0 || !words.length) return url;
  let u;
  try {
    u = new URL(url);
  } catch (e) {
    return url;
  }
  let changed = false;
  /** @type {[string, string][]} */
  const pairs = [];
  u.searchParams.forEach((value, name) => {
    const hit = words.some((w) => name.toLowerCase().indexOf(w) >= 0);
    changed = changed || hit;
    pairs.push([name, hit ? REDACTED : value]);
  });
  if (!changed) return url;
  u.search = pairs.map(([n, v]) => encodeURIComponent(n) + '=' + (v === REDACTED ? v : encodeURIComponent(v))).join('&');
  return u.href;
}

/**
 * The words from the server's config, lower-cased.
 * @param {unknown} list
 * @returns {string[]}
 */
export const scrubWords = (list) =>
  Array.isArray(list) ? list.filter((w) => typeof w === 'string' && w).map((w) => w.toLowerCase()) : [];

// Free text (console output, error messages and stacks, network bodies)
// loses e-mail addresses, card numbers (only digit runs that pass the Luhn
// check, so order numbers and timestamps stay) and bearer tokens, then the
// config's own scrubPatterns.
// An address is /[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/, but that
// regex tries every start in a run of word characters (80 ms on a 5,000
// character console argument): scrubEmails finds the same matches from each @.
const LOCAL = /[\w.+%-]/;
const DOMAIN = /[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/y;
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
const BEARER = /\b(Bearer\s+)[\w.~+/=-]+/gi;
/** Names the server may list for the built-ins above (always applied). */
const BUILT_INS = ['email', 'card', 'bearer'];

/** @param {string} digits */
export function luhn(digits) {
  let sum = 0;
  for (let i = digits.length - 1, odd = false; i >= 0; i--, odd = !odd) {
    let d = +digits[i];
    if (odd && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The config's extra patterns, compiled; names of built-ins and broken regexes are skipped.
 * @param {unknown} list regex sources
 * @returns {RegExp[]}
 */
export function scrubPatterns(list) {
  /** @type {RegExp[]} */
  const out = [];
  if (Array.isArray(list)) {
    for (const p of list) {
      if (typeof p !== 'string' || !p || BUILT_INS.includes(p)) continue;
      try {
        const re = new RegExp(p, 'g');
        if (!re.test('')) out.push(re); // one matching nothing would match everywhere
      } catch (e) {
        /* not a regex this browser knows */
      }
    }
  }
  return out;
}

/**
 * ``text`` with each address replaced by [email]: the matches of the regex
 * above, leftmost first, found in one pass (each @ looks back over its own
 * run of address characters only, and the domain is matched from it).
 * @param {string} text
 * @returns {string}
 */
export function scrubEmails(text) {
  let out = '';
  let pos = 0;
  for (let at = text.indexOf('@'); at !== -1; ) {
    let start = at;
    while (start > pos && LOCAL.test(text[start - 1])) start--;
    DOMAIN.lastIndex = at + 1;
    if (start < at && DOMAIN.test(text)) {
      out += text.slice(pos, start) + '[email]';
      pos = DOMAIN.lastIndex;
      at = text.indexOf('@', pos);
    } else {
      at = text.indexOf('@', at + 1);
    }
  }
  return pos ? out + text.slice(pos) : text;
}

/**
 * @param {string} text
 * @param {RegExp[]} patterns from scrubPatterns()
 * @returns {string}
 */
export function scrubText(text, patterns) {
  let s = scrubEmails(text)
    .replace(CARD, (m) => (luhn(m.replace(/\D/g, '')) ? '[card]' : m))
    .replace(BEARER, '$1[token]');
  for (const p of patterns) s = s.replace(p, '[redacted]');
  return s;
}
