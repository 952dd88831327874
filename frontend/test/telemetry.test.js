// Errors, page lifecycle, identify, the config blocks and their wiring.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchErrors } from '../src/telemetry/errors.js';
import { watchPage } from '../src/telemetry/performance.js';
import { identifyPayload } from '../src/telemetry/identify.js';
import { startTelemetry } from '../src/telemetry/index.js';
import { recorderConfig } from '../src/config.js';
import { scrubWords } from '../src/scrub.js';
import { serverConfig } from './fakes.js';

/** A window that keeps its listeners so the test can fire them. */
function fakeWindow() {
  const listeners = [];
  let now = 0;
  return {
    listeners,
    location: { href: 'https://site.example/a?token=CANARY' },
    document: { visibilityState: 'visible', readyState: 'loading' },
    performance: { now: () => now, getEntriesByType: () => [] },
    tick(ms) {
      now += ms;
    },
    addEventListener(type, f, capture) {
      listeners.push({ type, f, capture });
    },
    removeEventListener(type, f) {
      const i = listeners.findIndex((l) => l.type === type && l.f === f);
      if (i >= 0) listeners.splice(i, 1);
    },
    fire(type, e = {}) {
      for (const l of listeners.filter((l) => l.type === type)) l.f(e);
    },
  };
}

const words = scrubWords(serverConfig().scrubQueryParameters);

test('uncaught errors and rejections are recorded, capped; resource load errors are not', () => {
  const win = fakeWindow();
  const out = [];
  const w = watchErrors(win, { words, patterns: [] }, (r) => out.push(r));
  assert.equal(win.listeners.find((l) => l.type === 'error').capture, true);
  const err = new TypeError('x is not a function, mail ann@example.com');
  win.fire('error', { target: win, error: err, message: 'Uncaught TypeError: …', filename: 'https://site.example/app.js?token=CANARY', lineno: 3, colno: 7 });
  win.fire('error', { target: { nodeType: 1, tagName: 'IMG' } });
  win.fire('unhandledrejection', { reason: 'plain string' });
  win.fire('unhandledrejection', { reason: new Error('x'.repeat(20_000)) });
  assert.equal(out.length, 3);
  assert.deepEqual(
    { ...out[0], stack: undefined },
    { kind: 'error', name: 'TypeError', message: 'x is not a function, mail [email]', source: 'https://site.example/app.js?token=***', line: 3, column: 7, stack: undefined },
  );
  assert.ok(out[0].stack.includes('telemetry.test.js'));
  assert.deepEqual([out[1].kind, out[1].name, out[1].message], ['unhandledrejection', 'UnhandledRejection', 'plain string']);
  assert.equal(out[2].message.length, 5001);
  for (let i = 0; i < 200; i++) win.fire('unhandledrejection', { reason: i });
  assert.equal(out.length, 100);
  w.navigated();
  win.fire('unhandledrejection', { reason: 'next page' });
  assert.equal(out.length, 101);
  w.stop();
  assert.equal(win.listeners.length, 0);
});

test('visibility changes, and the visible time of each page view when it is left', () => {
  const win = fakeWindow();
  const out = [];
  let url = 'https://site.example/a';
  const w = watchPage(win, () => url, (p) => out.push(p), true);
  win.tick(1000);
  win.document.visibilityState = 'hidden';
  win.fire('visibilitychange');
  win.tick(5000); // hidden: not counted
  win.document.visibilityState = 'visible';
  win.fire('visibilitychange');
  win.tick(500);
  url = 'https://site.example/b';
  w.navigated();
  win.tick(250);
  win.fire('pagehide');
  assert.deepEqual(out, [
    { kind: 'visibility', state: 'hidden' },
    { kind: 'visibility', state: 'visible' },
    { kind: 'leave', url: 'https://site.example/a', visibleMs: 1500 },
    { kind: 'leave', url: 'https://site.example/b', visibleMs: 250 },
  ]);
  w.stop();
});

test('identify: an id and scalar traits within the caps; bad input is ignored', () => {
  assert.deepEqual(identifyPayload('u-1', { plan: 'pro', n: 3, ok: true, no: null, obj: {}, fn() {} }), {
    id: 'u-1',
    traits: { plan: 'pro', n: 3, ok: true, no: null },
  });
  assert.deepEqual(identifyPayload(42), { id: '42', traits: {} });
  for (const bad of [undefined, null, '', {}, 'x'.repeat(256), NaN]) assert.equal(identifyPayload(bad, {}), null);
  const many = Object.fromEntries(Array.from({ length: 80 }, (_, i) => ['k' + i, 'v'.repeat(2000)]));
  const p = identifyPayload('u', many);
  assert.equal(Object.keys(p.traits).length, 50);
  assert.equal(p.traits.k0.length, 1000);
});

test('config: every telemetry block off unless enabled; headers and bodies off by default', () => {
  const { console: c, errors, network, performance, scrubPatterns, ...bare } = serverConfig();
  const off = recorderConfig(bare);
  assert.deepEqual([off.console, off.errors, off.network, off.performance, off.scrubPatterns], [null, null, null, null, []]);
  const on = recorderConfig({
    ...serverConfig(),
    console: { enabled: true, maxRecords: 10 },
    errors: { enabled: true },
    network: { enabled: true, bodyUrls: ['^https://api\\.', '(['] },
    performance: { enabled: false },
  });
  assert.deepEqual(on.console, { enabled: true, maxRecords: 10, maxChars: 5000 });
  assert.equal(on.network.headers, false);
  assert.equal(on.network.maxBodyBytes, 150000);
  assert.deepEqual(on.network.bodyUrls.map(String), ['/^https:\\/\\/api\\./']);
  assert.equal(on.performance, null);
});

test('startTelemetry: records are rrweb plugin events (type 6) handed to emit, until stop', () => {
  const win = fakeWindow();
  const calls = [];
  win.console = { log: (...a) => calls.push(a) };
  const only = { console: { enabled: true, maxRecords: 1 }, errors: { enabled: true }, network: { enabled: false }, performance: { enabled: false }, interactions: { enabled: false } };
  const cfg = recorderConfig({ ...serverConfig(), ...only });
  const events = [];
  const t = startTelemetry(cfg, (e) => events.push(e), [], win);
  win.console.log('one');
  win.console.log('two');
  t.navigated(); // the same URL: not a new view
  win.console.log('three');
  win.location.href = 'https://site.example/other';
  t.navigated();
  win.console.log('four');
  t.stop();
  win.console.log('five');
  assert.equal(calls.length, 5);
  assert.deepEqual(
    events.map((e) => [e.type, e.data.plugin, e.data.payload.payload[0]]),
    [
      [6, 'rrweb/console@1', 'one'],
      [6, 'rrweb/console@1', 'session-replay: console record cap reached'],
      [6, 'rrweb/console@1', 'four'],
    ],
  );
  assert.equal(typeof events[0].timestamp, 'number');
  assert.equal(win.listeners.length, 0, 'the error listeners went with stop');
});
