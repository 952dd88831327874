// The configuration the server renders into the page as JSON
// (<script type="application/json" id="...">). Every value that is the
// server's (protocol version, limits, close codes, the id rule) comes from
// here: the bundle retypes none of them, so it cannot drift from the server.

/**
 * The JSON object in the element with this id, or null.
 * @param {string} id
 * @returns {Record<string, any> | null}
 */
export function readConfig(id) {
  const el = document.getElementById(id);
  if (!el) return null;
  try {
    const c = JSON.parse(el.textContent || '');
    return c && typeof c === 'object' ? c : null;
  } catch (e) {
    return null;
  }
}

/**
 * "/ws/x/" or "ws(s)://host/x/" (or http(s)) -> absolute ws(s):// URL.
 * @param {string} path
 * @param {string} base the page's URL
 */
export function wsUrl(path, base) {
  const u = new URL(path, base);
  u.protocol = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:';
  return u.href;
}

/**
 * @typedef {Object} Protocol the server's protocol facts the recorder acts on
 * @property {number[]} fatal close codes after which retrying cannot help
 * @property {number[]} refused close codes meaning "this very batch was refused"
 * @property {number} sessionFull the close code of a full session
 * @property {number} [seqConflict] the close code of a seq held with other events
 * @property {RegExp} idRule window and visitor ids must match it
 * @property {{frames: number, bytes: number, rawBytes?: number}} pace send budget per second
 * @property {number} [pingMs] ping a socket that sent nothing for this long
 */

/**
 * @typedef {Object} RecorderConfig
 * @property {number} v protocol version
 * @property {string} ws WebSocket path or URL
 * @property {string} ingest HTTP ingest URL (page-hide beacon)
 * @property {string} key public site key
 * @property {boolean} autostart
 * @property {number} sampleRate
 * @property {boolean} maskAllInputs
 * @property {string | null} maskTextSelector
 * @property {string | null} blockSelector
 * @property {number} flushIntervalMs
 * @property {number} flushBytes
 * @property {number} maxFrameBytes
 * @property {number} [maxEventBytes] the largest batch sent in parts (older servers: none)
 * @property {number} maxBufferBytes
 * @property {number} [maxBatchesPerRequest] batches one beacon may carry
 * @property {number} idleTimeoutMs
 * @property {number} maxDurationMs
 * @property {number | null} checkoutEveryNms
 * @property {unknown} plugins rrweb plugins by name (plugins.js)
 * @property {boolean} recordCanvas record canvas elements as sampled images
 * @property {CanvasSampling} canvas how often and how well
 * @property {boolean} recordCrossOriginIframes docs/recording.md, "Iframes"
 * @property {string | null} pageEventTag the custom event of a page view; null: none
 * @property {Protocol} protocol
 * @property {import('./masking.js').Privacy} [privacy] the privacy mode and its patterns
 * @property {string[]} [scrubQueryParameters] query parameter name parts whose values never leave the page
 * @property {string} [maskClass] a class whose text is masked whole in every mode
 * @property {string | null} [optOut] why the server says this page must not record ("staff", "gpc", "dnt")
 * @property {boolean} [respectDoNotTrack] false: Do Not Track does not stop recording (GPC still does)
 */

/** @typedef {{fps: number, quality: number, type: string}} CanvasSampling */

const NUMBERS = /** @type {const} */ ([
  'v',
  'sampleRate',
  'flushIntervalMs',
  'flushBytes',
  'maxFrameBytes',
  'maxBufferBytes',
  'idleTimeoutMs',
  'maxDurationMs',
]);
const STRINGS = /** @type {const} */ (['ws', 'ingest', 'key']);

/** @param {unknown} x */
const isNumber = (x) => typeof x === 'number' && isFinite(x);
/** @param {unknown} x */
const isCodes = (x) => Array.isArray(x) && x.every(Number.isInteger);
/** @param {unknown} x */
const orNull = (x) => (typeof x === 'string' && x ? x : null);

/**
 * The server's protocol block, checked, or null when it is absent or unusable.
 * @param {any} p
 * @returns {Protocol | null}
 */
export function protocolConfig(p) {
  if (!p || typeof p !== 'object') return null;
  if (!isCodes(p.fatal) || !isCodes(p.refused) || !Number.isInteger(p.sessionFull)) return null;
  if (typeof p.idPattern !== 'string' || !p.pace || !(p.pace.frames > 0) || !(p.pace.bytes > 0)) return null;
  let idRule;
  try {
    idRule = new RegExp(p.idPattern);
  } catch (e) {
    return null;
  }
  return { ...p, idRule };
}

/**
 * The canvas sampling block, checked, or null.
 * @param {any} c
 * @returns {CanvasSampling | null}
 */
export function canvasSampling(c) {
  if (!c || typeof c !== 'object' || !(c.fps > 0) || !isNumber(c.quality) || typeof c.type !== 'string') return null;
  return { fps: c.fps, quality: Math.min(1, Math.max(0, c.quality)), type: c.type };
}

/**
 * The recorder's settings from the rendered config, or null: without a
 * complete config (an older server, a broken template) it must not guess
 * the server's limits, so it records nothing.
 * @param {Record<string, any> | null} raw
 * @returns {RecorderConfig | null}
 */
export function recorderConfig(raw) {
  if (!raw) return null;
  const protocol = protocolConfig(raw.protocol);
  if (!protocol) return null;
  for (const k of NUMBERS) if (!isNumber(raw[k])) return null;
  for (const k of STRINGS) if (typeof raw[k] !== 'string') return null;
  return /** @type {RecorderConfig} */ ({
    ...raw,
    autostart: raw.autostart !== false,
    // Masking stays on unless the server turned it off explicitly.
    maskAllInputs: raw.maskAllInputs !== false,
    maskTextSelector: orNull(raw.maskTextSelector),
    blockSelector: orNull(raw.blockSelector),
    checkoutEveryNms: isNumber(raw.checkoutEveryNms) && raw.checkoutEveryNms > 0 ? raw.checkoutEveryNms : null,
    // Opt-ins: on only when the server says so.
    recordCanvas: raw.recordCanvas === true && canvasSampling(raw.canvas) !== null,
    canvas: canvasSampling(raw.canvas) || { fps: 1, quality: 0.4, type: 'image/webp' },
    recordCrossOriginIframes: raw.recordCrossOriginIframes === true,
    pageEventTag: orNull(raw.pageEventTag),
    protocol,
  });
}
