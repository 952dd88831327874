import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACT, watchNetwork } from '../src/telemetry/network.js';
import { scrubWords } from '../src/scrub.js';
import { serverConfig } from './fakes.js';

const settle = () => new Promise((r) => setTimeout(r, 5));

/** Resource timing as the test hands it out. */
class FakeObserver {
  static last = null;
  constructor(cb) {
    this.cb = cb;
    this.types = [];
    FakeObserver.last = this;
  }
  observe(o) {
    this.types.push(o);
  }
  disconnect() {
    this.types = [];
  }
  fire(entries) {
    this.cb({ getEntries: () => entries });
  }
}

/**
 * A window with a fetch answering `answer(url, init)` (a Response, or a thrown
 * error), and an XMLHttpRequest that answers from `xhrAnswer`.
 */
function fakeWindow({ answer = () => new Response('ok'), observer = false } = {}) {
  const win = {
    location: { href: 'https://site.example/page' },
    performance: { now: () => 100 },
    fetches: [],
  };
  win.fetch = function (input, init) {
    win.fetches.push({ input, init, self: this });
    try {
      return Promise.resolve(answer(input, init));
    } catch (e) {
      return Promise.reject(e);
    }
  };
  if (observer) win.PerformanceObserver = FakeObserver;
  return win;
}

const base = {
  headers: false,
  bodyUrls: [],
  maxBodyBytes: 150_000,
  redact: [],
  words: scrubWords(serverConfig().scrubQueryParameters),
  patterns: [],
  own: ['https://site.example/session-replay/api/ingest', 'https://site.example/static/django_session_replay/'],
};

function watched(win, opts = {}) {
  const out = [];
  const w = watchNetwork(win, { ...base, ...opts }, (p) => out.push(...p.requests));
  return { out, w };
}

test('a fetch is recorded with method, scrubbed URL, status and timing; the page gets the same promise value', async () => {
  const win = fakeWindow({ answer: () => new Response('nope', { status: 404 }) });
  const { out, w } = watched(win);
  const res = await win.fetch('/api/x?token=CANARY-value&page=2', { method: 'post' });
  assert.equal(res.status, 404);
  assert.equal(await res.text(), 'nope', "the page's body is not consumed");
  await settle();
  assert.equal(out.length, 1);
  const r = out[0];
  assert.equal(r.name, 'https://site.example/api/x?token=***&page=2');
  assert.ok(!JSON.stringify(out).includes('CANARY'));
  assert.deepEqual([r.method, r.initiatorType, r.status, r.failed], ['POST', 'fetch', 404, undefined]);
  assert.equal(typeof r.duration, 'number');
  assert.equal(r.requestHeaders, undefined, 'no headers unless asked for');
  assert.equal(r.responseBody, undefined);
  w.stop();
});

test("a throwing original fetch: the page gets its own rejection, unchanged, and the call is recorded as failed", async () => {
  const mine = new TypeError('Failed to fetch');
  const win = fakeWindow({ answer: () => { throw mine; } });
  const { out, w } = watched(win);
  await assert.rejects(win.fetch('https://api.example/down'), (e) => e === mine);
  await settle();
  assert.deepEqual([out[0].status, out[0].failed, out[0].error], [0, true, 'Failed to fetch']);
  w.stop();
});

test('a Request object and its signal reach the original untouched; `this` too', async () => {
  const win = fakeWindow();
  const { out, w } = watched(win);
  const ctl = new AbortController();
  const req = new Request('https://api.example/r', { method: 'PUT', body: 'b', signal: ctl.signal });
  await win.fetch(req);
  assert.equal(win.fetches[0].input, req);
  assert.equal(win.fetches[0].init, undefined);
  assert.equal(win.fetches[0].self, win);
  await settle();
  assert.equal(out[0].method, 'PUT');
  w.stop();
});

test('headers only when asked for; the eleven secret ones (any case) and the configured ones always redacted', async () => {
  const all = REDACT.map((n) => n.toUpperCase().replace(/-/g, '-'));
  const sent = Object.fromEntries([...all.map((n) => [n, 'secret-' + n]), ['X-Custom', 'c'], ['X-Mine', 'm'], ['Accept', 'json']]);
  const win = fakeWindow({ answer: () => new Response('{}', { headers: { 'X-Api-Key': 'k', 'Content-Type': 'application/json' } }) });
  const { out, w } = watched(win, { headers: true, redact: ['x-mine'] });
  await win.fetch('https://api.example/h', { headers: sent });
  await settle();
  const h = out[0].requestHeaders;
  assert.equal(REDACT.length, 11);
  for (const name of REDACT) assert.equal(h[name], '[redacted]', name);
  assert.equal(h['x-mine'], '[redacted]');
  assert.equal(h['x-custom'], 'c');
  assert.equal(h.accept, 'json');
  assert.equal(out[0].responseHeaders['x-api-key'], '[redacted]');
  assert.equal(out[0].responseHeaders['content-type'], 'application/json');
  assert.ok(!JSON.stringify(out).includes('secret'));
  w.stop();
});

test('bodies only for allow-listed URLs, cut at maxBodyBytes, read from a clone', async () => {
  const big = JSON.stringify({ a: 'x'.repeat(500) });
  const win = fakeWindow({ answer: () => new Response(big, { headers: { 'Content-Type': 'application/json' } }) });
  const { out, w } = watched(win, { bodyUrls: [/^https:\/\/api\.example\/orders/], maxBodyBytes: 100 });
  const a = await win.fetch('https://api.example/orders/1', { method: 'POST', body: 'q=1&mail=ann@example.com' });
  const b = await win.fetch('https://api.example/users/1', { method: 'POST', body: 'secret body' });
  assert.equal(await a.text(), big, "the page's body is whole and unread");
  assert.equal(await b.text(), big);
  await settle();
  assert.equal(out.length, 2);
  const [ordered, other] = out[0].name.includes('orders') ? out : [out[1], out[0]];
  assert.equal(ordered.responseBody, big.slice(0, 100) + '…');
  assert.equal(ordered.requestBody, 'q=1&mail=[email]');
  assert.equal(other.responseBody, undefined);
  assert.equal(other.requestBody, undefined);
  w.stop();
});

test("the recorder's own ingest and static URLs are never recorded, by the wrapper or the observer", async () => {
  const win = fakeWindow({ observer: true });
  const { out, w } = watched(win);
  await win.fetch('/session-replay/api/ingest');
  FakeObserver.last.fire([
    { name: 'https://site.example/session-replay/api/ingest', initiatorType: 'beacon', startTime: 1, duration: 2 },
    { name: 'https://site.example/static/django_session_replay/recorder.js', initiatorType: 'script', startTime: 1, duration: 2 },
    { name: 'https://site.example/app.js?key=CANARY', initiatorType: 'script', startTime: 1, duration: 2, responseEnd: 3, requestStart: 1.5, responseStart: 2.5, transferSize: 300, responseStatus: 200 },
  ]);
  await settle();
  assert.deepEqual(out, [
    { name: 'https://site.example/app.js?key=***', method: 'GET', initiatorType: 'script', status: 200, startTime: 1, endTime: 3, duration: 2, ttfb: 1, transferSize: 300 },
  ]);
  const nav = { name: 'https://site.example/page', initiatorType: 'navigation', startTime: 0, duration: 0, loadEventEnd: 0 };
  FakeObserver.last.fire([nav]); // still loading: not yet
  FakeObserver.last.fire([{ ...nav, duration: 90, loadEventEnd: 90 }]);
  FakeObserver.last.fire([{ ...nav, duration: 90, loadEventEnd: 90 }]);
  assert.deepEqual(out.slice(1).map((r) => [r.initiatorType, r.duration]), [['navigation', 90]], 'the navigation once, complete');
  out.splice(1);
  assert.deepEqual(FakeObserver.last.types.map((t) => [t.type, t.buffered]), [['resource', true], ['navigation', true]]);
  w.stop();
});

test('a fetch another script wrapped before us still works and is recorded once, its timing entry adding ttfb', async () => {
  const win = fakeWindow({ observer: true });
  const native = win.fetch;
  let theirs = 0;
  win.fetch = function (...args) {
    theirs++;
    return native.apply(this, args);
  };
  const { out, w } = watched(win);
  const res = await win.fetch('https://api.example/once');
  assert.equal(await res.text(), 'ok');
  assert.equal(theirs, 1);
  FakeObserver.last.fire([{ name: 'https://api.example/once', initiatorType: 'fetch', startTime: 100, duration: 40, responseEnd: 140, requestStart: 110, responseStart: 130, transferSize: 500 }]);
  await settle();
  assert.equal(out.length, 1);
  assert.deepEqual([out[0].startTime, out[0].duration, out[0].ttfb, out[0].transferSize, out[0].status], [100, 40, 20, 500, 200]);
  // A script wrapping ours afterwards: still one record per call.
  const ours = win.fetch;
  win.fetch = (...args) => ours(...args);
  await win.fetch('https://api.example/twice');
  FakeObserver.last.fire([{ name: 'https://api.example/twice', initiatorType: 'fetch', startTime: 100, duration: 1 }]);
  await settle();
  assert.equal(out.length, 2);
  w.stop();
});

test('after stop nothing is recorded, and a second start does not wrap twice', async () => {
  const win = fakeWindow();
  const first = watched(win);
  const wrapper = win.fetch;
  first.w.stop();
  await win.fetch('https://api.example/a');
  await settle();
  assert.equal(first.out.length, 0);
  const second = watched(win);
  assert.equal(win.fetch, wrapper);
  await win.fetch('https://api.example/b');
  await settle();
  assert.equal(second.out.length, 1);
  second.w.stop();
});

/** A minimal XMLHttpRequest: open/setRequestHeader/send, answering at once. */
function xhrClass(answer) {
  return class {
    constructor() {
      this.listeners = {};
      this.responseType = '';
    }
    open(method, url) {
      this.opened = [method, url];
    }
    setRequestHeader(n, v) {
      (this.sent ||= []).push([n, v]);
    }
    addEventListener(t, f) {
      (this.listeners[t] ||= []).push(f);
    }
    getAllResponseHeaders() {
      return 'content-type: text/plain\r\nset-cookie: s=1\r\n';
    }
    send() {
      [this.status, this.responseText] = answer.shift();
      const status = this.status;
      const fire = (t) => (this.listeners[t] || []).forEach((f) => f({ type: t }));
      if (!status) fire('error');
      fire('loadend');
      return 'sent';
    }
  };
}

test('XMLHttpRequest: recorded with status, headers and an allow-listed body; a network error is failed', async () => {
  const win = fakeWindow();
  win.XMLHttpRequest = xhrClass([[500, 'x'.repeat(50)], [0, '']]);
  const { out, w } = watched(win, { headers: true, bodyUrls: [/\/api\//], maxBodyBytes: 10 });
  const x = new win.XMLHttpRequest();
  x.open('GET', '/api/items?secret=CANARY');
  x.setRequestHeader('Authorization', 'Bearer abc');
  assert.equal(x.send(), 'sent');
  assert.deepEqual(x.sent, [['Authorization', 'Bearer abc']], 'the original saw the header');
  const y = new win.XMLHttpRequest();
  y.open('POST', 'https://down.example/');
  y.send('body');
  await settle();
  assert.equal(out.length, 2);
  out.sort((a, b) => b.status - a.status); // the failed one is sent at once, the other once its body is read
  assert.deepEqual([out[0].name, out[0].status, out[0].initiatorType], ['https://site.example/api/items?secret=***', 500, 'xmlhttprequest']);
  assert.equal(out[0].requestHeaders.authorization, '[redacted]');
  assert.equal(out[0].responseHeaders['set-cookie'], '[redacted]');
  assert.equal(out[0].responseBody, 'xxxxxxxxxx…');
  assert.deepEqual([out[1].status, out[1].failed, out[1].error, out[1].requestBody], [0, true, 'error', undefined]);
  w.stop();
});

test('at page hide a call waiting for its timing entry is sent at once, and only once', async () => {
  const win = fakeWindow({ observer: true });
  const { out, w } = watched(win);
  await win.fetch('https://api.example/late', { method: 'POST' });
  await settle();
  assert.equal(out.length, 0, 'waiting for its timing entry');
  w.flush();
  assert.deepEqual([out.length, out[0].method, out[0].status], [1, 'POST', 200]);
  FakeObserver.last.fire([{ name: 'https://api.example/late', initiatorType: 'fetch', startTime: 100, duration: 40 }]);
  w.flush();
  await settle();
  assert.equal(out.length, 1);
  w.stop();
});
