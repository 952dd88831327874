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
 * @property {string | null} sensitiveSelector fields Django knows are sensitive (blocked unless all inputs are masked)
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
 * @property {{enabled: true, maxRecords: number, maxChars: number} | null} [console] console records (telemetry/)
 * @property {{enabled: true} | null} [errors] JS errors and unhandled rejections
 * @property {NetworkConfig | null} [network] fetch, XHR and resource timing
 * @property {{enabled: true} | null} [performance] load timing, visibility, time on page, web vitals
 * @property {{enabled: true, signals: import('./telemetry/signals.js').SignalOptions | null} | null} [interactions] clicks and form-field focus (telemetry/clicks.js), dead clicks and thrashing (telemetry/signals.js)
 * @property {string[]} [scrubPatterns] regexes scrubbed from console text, errors and network records
 * @property {string} contextCookie the context cookie's name (context-cookie.js)
 * @property {number} contextCookieMaxAge its lifetime in seconds (the server's idle timeout)
 */

/**
 * @typedef {Object} NetworkConfig
 * @property {true} enabled
 * @property {boolean} headers record headers (the secret ones always redacted)
 * @property {RegExp[]} bodyUrls bodies only for URLs matching one of these
 * @property {number} maxBodyBytes
 * @property {string[]} redactHeaders redacted on top of the fixed list
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
// A cookie name is an RFC 6265 token.
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

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

/** @param {any} x */
const enabled = (x) => !!x && typeof x === 'object' && x.enabled === true;
/**
 * @param {unknown} x
 * @param {number} d
 */
const positive = (x, d) => (Number.isInteger(x) && /** @type {number} */ (x) > 0 ? /** @type {number} */ (x) : d);

/**
 * The dead-click and thrashing thresholds, or null from a server that sends none
 * (an older one: the recorder then watches for neither).
 * @param {any} x the config's interactions block
 * @returns {import('./telemetry/signals.js').SignalOptions | null}
 */
const signalOptions = (x) => {
  const s = x && typeof x === 'object' ? x.signals : null;
  if (!s || typeof s !== 'object') return null;
  return { deadClickMs: positive(s.deadClickMs, 2500), thrashingChanges: positive(s.thrashingChanges, 8), thrashingWindowMs: positive(s.thrashingWindowMs, 2000) };
};
/** @param {unknown} x */
const strings = (x) => (Array.isArray(x) ? x.filter((s) => typeof s === 'string' && s) : []);

/**
 * The telemetry blocks: each on only when the server rendered it enabled;
 * headers and bodies off unless asked for. A regex this browser cannot
 * compile is left out.
 * @param {Record<string, any>} raw
 */
export function telemetryConfig(raw) {
  const c = raw.console;
  const n = raw.network;
  /** @type {RegExp[]} */
  const bodyUrls = [];
  if (enabled(n)) {
    for (const s of strings(n.bodyUrls)) {
      try {
        bodyUrls.push(new RegExp(s));
      } catch (e) {
        /* skipped */
      }
    }
  }
  return {
    console: enabled(c) ? { enabled: true, maxRecords: positive(c.maxRecords, 1000), maxChars: positive(c.maxChars, 5000) } : null,
    errors: enabled(raw.errors) ? { enabled: true } : null,
    network: enabled(n)
      ? { enabled: true, headers: n.headers === true, bodyUrls, maxBodyBytes: positive(n.maxBodyBytes, 150000), redactHeaders: strings(n.redactHeaders) }
      : null,
    performance: enabled(raw.performance) ? { enabled: true } : null,
    // On unless the server says otherwise: a server from before clicks were recorded renders no block.
    interactions: raw.interactions === undefined || enabled(raw.interactions) ? { enabled: true, signals: signalOptions(raw.interactions) } : null,
    scrubPatterns: strings(raw.scrubPatterns),
  };
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
    sensitiveSelector: orNull(raw.sensitiveSelector),
    checkoutEveryNms: isNumber(raw.checkoutEveryNms) && raw.checkoutEveryNms > 0 ? raw.checkoutEveryNms : null,
    // Opt-ins: on only when the server says so.
    recordCanvas: raw.recordCanvas === true && canvasSampling(raw.canvas) !== null,
    canvas: canvasSampling(raw.canvas) || { fps: 1, quality: 0.4, type: 'image/webp' },
    recordCrossOriginIframes: raw.recordCrossOriginIframes === true,
    pageEventTag: orNull(raw.pageEventTag),
    contextCookie: typeof raw.contextCookie === 'string' && COOKIE_NAME.test(raw.contextCookie) ? raw.contextCookie : 'sr_ctx',
    contextCookieMaxAge: positive(raw.contextCookieMaxAge, 1800),
    ...telemetryConfig(raw),
    protocol,
  });
}
