// Network requests as rrweb/network@1 records. fetch and XMLHttpRequest go
// through wrappers, installed once per window (a script that wrapped them
// before us, or wraps ours later, keeps working); every other resource
// (scripts, images, beacons, the navigation) comes from resource timing. A
// fetch or XHR is recorded once, by its wrapper: its timing entry only adds
// ttfb, transfer size and the exact times. A wrapper returns what the
// original returns and throws what it throws; its own errors stay inside.
import { scrubText, scrubUrl } from '../scrub.js';
import { cut } from './serialize.js';

export const PLUGIN = 'rrweb/network@1';
export const REDACT = [
  'authorization',
  'cookie',
  'set-cookie',
  'proxy-authorization',
  'x-api-key',
  'x-csrftoken',
  'x-csrf-token',
  'x-xsrf-token',
  'x-forwarded-for',
  'x-real-ip',
  'forwarded',
];
export const WAIT_MS = 1000; // how long a finished call waits for its timing entry and body
// Bodies read as text: never streams (event-stream), images or other binary.
const TEXTUAL = /^\s*(text\/(?!event-stream)|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/**
 * @typedef {Object} NetworkOptions
 * @property {boolean} headers record request and response headers
 * @property {RegExp[]} bodyUrls bodies only for absolute URLs matching one of them
 * @property {number} maxBodyBytes
 * @property {() => void} [started] told of each request the page starts (signals.js)
 * @property {string[]} redact lower-case header names redacted on top of REDACT
 * @property {string[]} words query parameter words (scrub.js)
 * @property {RegExp[]} patterns scrubText patterns
 * @property {string[]} own absolute URL prefixes of the recorder's own traffic
 */
/** @typedef {Record<string, any>} NetRecord */
/**
 * @typedef {Object} Call one wrapped fetch or XHR
 * @property {NetRecord} rec
 * @property {string} abs absolute URL
 * @property {number} t0
 * @property {boolean} bodies
 * @property {number} holds what it still waits for
 * @property {boolean} ended
 * @property {boolean} sent
 * @property {boolean} [timed] its timing entry was seen
 * @property {boolean} [wantsEntry]
 * @property {any} [timer]
 */
/** @typedef {{fetch(input: any, init: any): {response(res: any): void, failed(err: any): void} | null, xhr(x: any, open: {method: string, url: string, headers: string[][]}, body: any): void}} Sink */

/** @type {WeakMap<object, {sink: Sink | null, observed?: boolean, navigation?: boolean}>} window -> its wrappers' state */
const hooks = new WeakMap();

/** @param {() => void} f */
const safe = (f) => {
  try {
    f();
  } catch (e) {
    /* never into the page */
  }
};
const round = Math.round;

/**
 * @param {any} obj
 * @param {string} name
 * @param {(self: any, args: IArguments) => void} before
 */
function wrap(obj, name, before) {
  const original = obj[name];
  if (typeof original !== 'function') return;
  obj[name] = function () {
    safe(() => before(this, arguments));
    return original.apply(this, arguments);
  };
}

/** @param {any} win */
function install(win) {
  const known = hooks.get(win);
  if (known) return known;
  /** @type {{sink: Sink | null, observed?: boolean, navigation?: boolean}} */
  const h = { sink: null };
  hooks.set(win, h);
  const original = win.fetch;
  if (typeof original === 'function') {
    win.fetch = function (/** @type {any} */ input, /** @type {any} */ init) {
      /** @type {ReturnType<Sink['fetch']>} */
      let c = null;
      try {
        c = h.sink && h.sink.fetch(input, init);
      } catch (e) {
        /* recorded or not, the page's call goes on */
      }
      const p = original.apply(this, arguments);
      if (c && p && typeof p.then === 'function') {
        p.then(
          (/** @type {any} */ res) => safe(() => c.response(res)),
          (/** @type {any} */ err) => safe(() => c.failed(err)),
        );
      }
      return p;
    };
  }
  const proto = win.XMLHttpRequest && win.XMLHttpRequest.prototype;
  if (proto) {
    /** @type {WeakMap<object, {method: string, url: string, headers: string[][]}>} */
    const opened = new WeakMap();
    wrap(proto, 'open', (x, a) => opened.set(x, { method: String(a[0]), url: String(a[1]), headers: [] }));
    wrap(proto, 'setRequestHeader', (x, a) => {
      const o = opened.get(x);
      if (o) o.headers.push([String(a[0]), String(a[1])]);
    });
    wrap(proto, 'send', (x, a) => {
      const o = opened.get(x);
      if (o && h.sink) h.sink.xhr(x, o, a[0]);
    });
  }
  return h;
}

/**
 * @param {NetRecord} rec
 * @param {any} e a PerformanceResourceTiming
 */
function timed(rec, e) {
  rec.startTime = round(e.startTime);
  rec.endTime = round(e.responseEnd || e.startTime + e.duration);
  rec.duration = round(e.duration);
  if (e.requestStart > 0 && e.responseStart >= e.requestStart) rec.ttfb = round(e.responseStart - e.requestStart);
  if (e.transferSize > 0) rec.transferSize = e.transferSize;
  return rec;
}

/** @param {string} raw XHR's getAllResponseHeaders() */
const headerLines = (raw) =>
  raw
    .split(/[\r\n]+/)
    .map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim()])
    .filter((p) => p[0]);

/**
 * @param {any} win
 * @param {NetworkOptions} opts
 * @param {(payload: {requests: NetRecord[]}) => void} send
 */
export function watchNetwork(win, opts, send) {
  const h = install(win);
  const perf = win.performance;
  const redact = REDACT.concat(opts.redact);
  /** @type {Call[]} calls that may still meet their timing entry */
  const waiting = [];
  let stopped = false;
  /** @type {PerformanceObserver | null} */
  let po = null;
  /** @param {string} u */
  const own = (u) => opts.own.some((p) => u.startsWith(p));
  /** @param {string} u */
  const url = (u) => scrubText(scrubUrl(u, opts.words), opts.patterns);
  /** @param {string} s */
  const body = (s) => scrubText(cut(s, opts.maxBodyBytes), opts.patterns);
  /** @param {any} list anything `new Headers()` takes */
  const headers = (list) => {
    /** @type {Record<string, string>} */
    const o = {};
    new Headers(list).forEach((v, k) => (o[k] = redact.includes(k) ? '[redacted]' : scrubText(v, opts.patterns)));
    return o;
  };
  /** @param {Call} c */
  const finish = (c) => {
    if (c.sent || stopped) return;
    c.sent = true;
    clearTimeout(c.timer);
    const i = waiting.indexOf(c);
    if (i >= 0) waiting.splice(i, 1);
    send({ requests: [c.rec] });
  };
  /** @param {Call} c */
  const release = (c) => {
    if (--c.holds <= 0) finish(c);
  };
  /**
   * @param {string} method
   * @param {string} raw the URL as the page gave it
   * @param {string} type
   * @returns {Call | null}
   */
  const begin = (method, raw, type) => {
    let abs = String(raw);
    try {
      abs = new URL(abs, win.location.href).href;
    } catch (e) {
      /* kept as given */
    }
    if (own(abs)) return null;
    if (opts.started) safe(opts.started); // the page reacted (signals.js)
    const t0 = perf.now();
    const rec = { name: url(abs), method: String(method || 'GET').toUpperCase(), initiatorType: type, status: 0, startTime: round(t0) };
    /** @type {Call} */
    const c = { rec, abs, t0, bodies: opts.bodyUrls.some((re) => re.test(abs)), holds: 1, ended: false, sent: false };
    if (po) waiting.push(c) > 100 && waiting.shift();
    return c;
  };
  /**
   * @param {Call} c
   * @param {number} status
   * @param {string | undefined} error
   * @param {any} resHeaders
   * @param {(() => any) | null} bodyOf the response body's text (or a promise of it), read now
   */
  const end = (c, status, error, resHeaders, bodyOf) => {
    if (c.ended) return;
    c.ended = true;
    const r = c.rec;
    const t = perf.now();
    r.status = error ? 0 : status | 0;
    if (!c.timed) {
      r.endTime = round(t);
      r.duration = round(t - c.t0);
    }
    if (error) {
      r.failed = true;
      r.error = error;
    }
    if (opts.headers && resHeaders) safe(() => (r.responseHeaders = headers(resHeaders)));
    if (c.bodies && bodyOf && !error) {
      /** @type {any} */
      let b = null;
      safe(() => (b = bodyOf()));
      c.holds++;
      Promise.resolve(b)
        .then((s) => typeof s === 'string' && (r.responseBody = body(s)))
        .catch(() => {})
        .then(() => release(c));
    }
    if (po && !c.timed && !error) {
      c.wantsEntry = true;
      c.holds++;
    }
    c.timer = setTimeout(() => finish(c), WAIT_MS);
    release(c);
  };

  /** @type {Sink} */
  const sink = {
    fetch(input, init) {
      const req = typeof Request === 'function' && input instanceof Request ? input : null;
      const c = begin((init && init.method) || (req ? req.method : 'GET'), req ? req.url : input, 'fetch');
      if (!c) return null;
      const r = c.rec;
      if (opts.headers) safe(() => (r.requestHeaders = headers((init && init.headers) || (req ? req.headers : undefined))));
      const b = init && init.body;
      if (c.bodies && (typeof b === 'string' || b instanceof URLSearchParams)) r.requestBody = body(String(b));
      else if (c.bodies && req && !b && req.body && TEXTUAL.test(req.headers.get('content-type') || '')) {
        c.holds++;
        req
          .clone()
          .text()
          .then((/** @type {string} */ s) => (r.requestBody = body(s)))
          .catch(() => {})
          .then(() => release(c));
      }
      return {
        response(res) {
          const type = (res.headers && res.headers.get('content-type')) || '';
          const readable = res.body && TEXTUAL.test(type) && !(+res.headers.get('content-length') > 10 * opts.maxBodyBytes);
          end(c, res.status, undefined, res.headers, readable ? () => res.clone().text() : null);
        },
        failed(err) {
          end(c, 0, err && err.name === 'AbortError' ? 'abort' : cut(String((err && err.message) || err), 500), null, null);
        },
      };
    },
    xhr(x, o, b) {
      const c = begin(o.method, o.url, 'xmlhttprequest');
      if (!c) return;
      const r = c.rec;
      if (opts.headers) safe(() => (r.requestHeaders = headers(o.headers)));
      if (c.bodies && (typeof b === 'string' || b instanceof URLSearchParams)) r.requestBody = body(String(b));
      /** @type {string | undefined} */
      let error;
      for (const type of ['error', 'abort', 'timeout']) x.addEventListener(type, () => (error = type));
      const text = () => (x.responseType === 'json' ? JSON.stringify(x.response) : x.responseType ? null : x.responseText);
      x.addEventListener('loadend', () =>
        safe(() => end(c, x.status, error || (x.status ? undefined : 'error'), headerLines(x.getAllResponseHeaders() || ''), text)),
      );
    },
  };

  /** @param {any[]} entries */
  const observed = (entries) => {
    /** @type {NetRecord[]} */
    const out = [];
    for (const e of entries) {
      const type = e.initiatorType;
      if (own(e.name)) continue;
      if (type === 'navigation') {
        if (h.navigation || !e.loadEventEnd) continue; // once, complete
        h.navigation = true;
      }
      if (type !== 'fetch' && type !== 'xmlhttprequest') {
        out.push(timed({ name: url(e.name), method: 'GET', initiatorType: type, status: e.responseStatus | 0 }, e));
        continue;
      }
      const c = waiting.find((w) => !w.timed && w.abs === e.name && w.rec.initiatorType === type && e.startTime >= w.t0 - 5);
      if (!c) continue; // not ours to record: its wrapped call already was, or was before recording
      c.timed = true;
      timed(c.rec, e);
      if (c.wantsEntry) release(c);
    }
    if (out.length) send({ requests: out });
  };

  if (typeof win.PerformanceObserver === 'function') {
    safe(() => (po = new win.PerformanceObserver((/** @type {any} */ list) => safe(() => observed(list.getEntries())))));
    for (const type of ['resource', 'navigation']) safe(() => po && po.observe({ type, buffered: !h.observed }));
    h.observed = true; // a later start does not take the buffered entries again
  }
  h.sink = sink;
  return {
    stop() {
      if (h.sink === sink) h.sink = null;
      if (po) safe(() => po && po.disconnect());
      this.flush();
      stopped = true;
    },
    /** The page is going away: calls that ended go now, without waiting for their timing entry. */
    flush() {
      for (const c of waiting.slice()) if (c.ended) finish(c);
    },
  };
}
