// Web Storage wrappers that never throw. Storage can be disabled (privacy
// settings, sandboxed iframes), full (QuotaExceededError) or unavailable
// (Safari private mode); the recorder must keep working from memory then.
//
// Modules take a Store instead of reaching for window.localStorage, so the
// tests can hand them an in-memory one.

/** One storage area (localStorage or sessionStorage) whose methods never throw. */
export class Store {
  /**
   * @param {() => Storage | null | undefined} area returns the area; asked on
   *   every call because the getter itself may throw (SecurityError)
   */
  constructor(area) {
    this.area = () => {
      try {
        return area() || null;
      } catch (e) {
        return null;
      }
    };
  }

  /** @param {string} key */
  get(key) {
    try {
      const s = this.area();
      return s ? s.getItem(key) : null;
    } catch (e) {
      return null;
    }
  }

  /**
   * Returns true when the value was stored.
   * @param {string} key
   * @param {string} value
   */
  set(key, value) {
    try {
      const s = this.area();
      if (!s) return false;
      s.setItem(key, value);
      return true;
    } catch (e) {
      return false;
    }
  }

  /** @param {string} key */
  del(key) {
    try {
      const s = this.area();
      if (s) s.removeItem(key);
    } catch (e) {
      /* nothing to do */
    }
  }

  /**
   * @param {string} key
   * @returns {any} the parsed value, or null when absent or unreadable
   */
  getJSON(key) {
    try {
      return JSON.parse(this.get(key) || 'null');
    } catch (e) {
      return null;
    }
  }

  /**
   * @param {string} key
   * @param {unknown} value
   */
  setJSON(key, value) {
    return this.set(key, JSON.stringify(value));
  }

  /**
   * Keys of this area that start with prefix.
   * @param {string} prefix
   */
  keys(prefix) {
    /** @type {string[]} */
    const out = [];
    try {
      const s = this.area();
      for (let i = 0; s && i < s.length; i++) {
        const k = s.key(i);
        if (k && k.indexOf(prefix) === 0) out.push(k);
      }
    } catch (e) {
      /* storage unavailable: no keys */
    }
    return out;
  }
}

/** @param {'localStorage' | 'sessionStorage'} name */
export const webStore = (name) => new Store(() => window[name]);

// Binary frames are kept as "binary strings" (one char per byte): denser in
// Web Storage than base64, and every char code 0-255 is a valid UTF-16 unit.
/** @param {Uint8Array} u8 */
export function toBin(u8) {
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, /** @type {any} */ (u8.subarray(i, i + 0x8000)));
  }
  return s;
}

/** @param {string} s */
export function fromBin(s) {
  const u8 = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) u8[i] = s.charCodeAt(i);
  return u8;
}
