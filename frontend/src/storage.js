// Web Storage wrappers that never throw. Storage can be disabled (privacy
// settings, sandboxed iframes), full (QuotaExceededError) or unavailable
// (Safari private mode); the recorder must keep working from memory then.

function area(name) {
  try {
    return window[name] || null; // the getter itself may throw SecurityError
  } catch (e) {
    return null;
  }
}

export function get(name, key) {
  try {
    const s = area(name);
    return s ? s.getItem(key) : null;
  } catch (e) {
    return null;
  }
}

/** Returns true when the value was stored. */
export function set(name, key, value) {
  try {
    const s = area(name);
    if (!s) return false;
    s.setItem(key, value);
    return true;
  } catch (e) {
    return false;
  }
}

export function del(name, key) {
  try {
    const s = area(name);
    if (s) s.removeItem(key);
  } catch (e) {
    /* nothing to do */
  }
}

export function getJSON(name, key) {
  try {
    return JSON.parse(get(name, key) || 'null');
  } catch (e) {
    return null;
  }
}

export function setJSON(name, key, value) {
  return set(name, key, JSON.stringify(value));
}

/** Keys of one storage area that start with prefix. */
export function keys(name, prefix) {
  const out = [];
  try {
    const s = area(name);
    for (let i = 0; s && i < s.length; i++) {
      const k = s.key(i);
      if (k && k.indexOf(prefix) === 0) out.push(k);
    }
  } catch (e) {
    /* storage unavailable: no keys */
  }
  return out;
}

// Binary frames are kept as "binary strings" (one char per byte): denser in
// Web Storage than base64, and every char code 0-255 is a valid UTF-16 unit.
export function toBin(u8) {
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  }
  return s;
}

export function fromBin(s) {
  const u8 = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) u8[i] = s.charCodeAt(i);
  return u8;
}
