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
