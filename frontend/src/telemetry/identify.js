// SessionReplay.identify(id, traits) -> a session-replay/identify@1 payload,
// or null for input that is not an id (ignored, never an error).

export const PLUGIN = 'session-replay/identify@1';
const MAX_ID = 255;
const MAX_TRAITS = 50;
const MAX_VALUE = 1000;

/**
 * @param {unknown} id a non-empty string (or a finite number) of at most 255 characters
 * @param {unknown} traits an object of scalars; other values are left out
 * @returns {{id: string, traits: Record<string, string | number | boolean | null>} | null}
 */
export function identifyPayload(id, traits) {
  const s = typeof id === 'number' && isFinite(id) ? String(id) : id;
  if (typeof s !== 'string' || !s || s.length > MAX_ID) return null;
  /** @type {Record<string, string | number | boolean | null>} */
  const out = {};
  if (traits && typeof traits === 'object' && !Array.isArray(traits)) {
    let n = 0;
    for (const [k, v] of Object.entries(traits)) {
      if (n >= MAX_TRAITS) break;
      if (typeof v === 'string') out[k] = v.slice(0, MAX_VALUE);
      else if (v === null || typeof v === 'boolean' || (typeof v === 'number' && isFinite(v))) out[k] = v;
      else continue;
      n++;
    }
  }
  return { id: s, traits: out };
}
