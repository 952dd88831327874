// Page values as bounded text for the console and error records: JSON-like,
// at most DEPTH levels and KEYS keys per object or array, DOM nodes by their
// tag, id and classes only (never their content or input values), and work
// stops once the text passes `max` characters.

export const DEPTH = 4;
export const KEYS = 50;

/**
 * @param {string} s
 * @param {number} max
 */
export const cut = (s, max) => (s.length > max ? s.slice(0, max) + '…' : s);

/** @param {any} n an object that looks like a DOM node */
function node(n) {
  if (n.nodeType !== 1) return String(n.nodeName);
  const cls = typeof n.className === 'string' && n.className.trim() ? '.' + n.className.trim().split(/\s+/).join('.') : '';
  return '<' + String(n.tagName || n.nodeName).toLowerCase() + (n.id ? '#' + n.id : '') + cls + '>';
}

/**
 * @param {unknown} value
 * @param {number} max characters
 * @returns {string}
 */
export function serialize(value, max) {
  if (typeof value === 'string') return value;
  /** @type {string[]} */
  const out = [];
  let len = 0;
  /** @type {unknown[]} */
  const seen = [];
  /** @param {string} s */
  const put = (s) => {
    out.push(s);
    len += s.length;
  };
  /**
   * @param {any} x
   * @param {number} depth
   */
  const walk = (x, depth) => {
    if (len > max) return;
    if (typeof x === 'string') return put(JSON.stringify(depth ? cut(x, max) : x));
    if (typeof x === 'function') return put('[Function ' + (x.name || 'anonymous') + ']');
    if (!x || typeof x !== 'object') return put(String(x));
    if (typeof x.nodeType === 'number' && typeof x.nodeName === 'string') return put(node(x));
    if (x.window === x) return put('[Window]');
    if (x instanceof Error) {
      const head = x.name + ': ' + x.message;
      const stack = depth ? '' : String(x.stack || '');
      return put(stack.indexOf(head) === 0 ? stack : stack ? head + '\n' + stack : head); // V8's stack starts with the head
    }
    if (seen.includes(x)) return put('[Circular]');
    const list = Array.isArray(x);
    if (depth >= DEPTH) return put(list ? '[Array]' : '[Object]');
    seen.push(x);
    const keys = list ? [...Array(Math.min(x.length, KEYS + 1)).keys()] : Object.keys(x);
    put(list ? '[' : '{');
    keys.slice(0, KEYS).forEach((k, i) => {
      if (i) put(', ');
      if (!list) put(JSON.stringify(k) + ': ');
      try {
        walk(x[k], depth + 1);
      } catch (e) {
        put('[Thrown]'); // a getter that throws
      }
    });
    if (keys.length > KEYS) put(', …');
    put(list ? ']' : '}');
    seen.pop();
  };
  try {
    walk(value, 0);
  } catch (e) {
    put('[Unserializable]'); // a Proxy, a revoked object
  }
  return out.join('');
}
