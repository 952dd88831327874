// The loader (src/loader.js, static recorder.js): the page's API before the
// recorder (src/recorder.js, static recorder-main.js) is in, the decision to
// fetch it after the page's load event, and the hand-over of queued calls.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { FakeSocket, MemoryStorage, serverConfig } from './fakes.js';


const MAIN = '/static/django_session_replay/recorder-main.js';
let n = 0;

/**
 * A fresh page at `readyState`, with the loader run on it. Returns the page's
 * handles: the scripts it appended, its load listeners, idle callbacks.
 */
async function loadPage({ config = {}, nav = {}, local = {}, tab = {}, readyState = 'interactive', idle = true, nonce = '' } = {}) {
  globalThis.window = globalThis;
  Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true, writable: true });
  delete globalThis.SessionReplay;
  const page = { scripts: [], load: [], idle: [], timeouts: [] };
  const json = config === null ? null : JSON.stringify({ ...serverConfig(), main: MAIN, ...config });
  globalThis.document = {
    readyState,
    currentScript: { nonce },
    getElementById: (id) => (id === 'session-replay-config' && json !== null ? { textContent: json } : null),
    createElement: (tag) => ({ tag }),
    head: { appendChild: (el) => page.scripts.push(el) },
    addEventListener() {},
  };
  globalThis.addEventListener = (type, fn) => {
    if (type === 'load') page.load.push(fn);
  };
  globalThis.requestIdleCallback = idle ? (fn, opts) => page.idle.push([fn, opts]) : undefined;
  globalThis.location = new URL('https://site.example/page');
  globalThis.WebSocket = FakeSocket;
  globalThis.localStorage = new MemoryStorage();
  globalThis.sessionStorage = new MemoryStorage();
  for (const [k, v] of Object.entries(local)) globalThis.localStorage.setItem(k, v);
  for (const [k, v] of Object.entries(tab)) globalThis.sessionStorage.setItem(k, v);
  await import(`../src/loader.js?page=${++n}`);
  page.api = globalThis.SessionReplay;
  /** The page's load event, then the browser idle: the loader appends its script. */
  page.loaded = () => {
    document.readyState = 'complete';
    for (const fn of page.load.splice(0)) fn();
    for (const [fn] of page.idle.splice(0)) fn();
  };
  /** recorder-main.js arrives and runs. */
  page.arrive = () => import(`../src/recorder.js?page=${n}`);
  return page;
}

const keysOf = (s) => Array.from({ length: s.length }, (_, i) => s.key(i)).sort();

/** A recorder API that writes down what it is called with. */
function fakeRecorder() {
  const calls = [];
  const api = { sessionId: 'sid-1' };
  for (const m of ['start', 'stop', 'track', 'identify', 'consent']) api[m] = (...a) => calls.push([m, ...a]);
  return { api, calls };
}

test('the recorder is fetched after the load event, on idle, with the loader\'s nonce', async () => {
  const page = await loadPage({ nonce: 'n0nce' });
  assert.equal(page.scripts.length, 0, 'nothing before load');
  assert.equal(page.load.length, 1);
  for (const fn of page.load) fn();
  assert.equal(page.scripts.length, 0, 'not before the browser is idle');
  assert.equal(page.idle.length, 1);
  assert.ok(page.idle[0][1].timeout > 0, 'with a timeout');
  page.idle[0][0]();
  assert.equal(page.scripts.length, 1);
  assert.equal(page.scripts[0].src, MAIN);
  assert.equal(page.scripts[0].nonce, 'n0nce');
  assert.equal(page.scripts[0].async, true);
});

test('on a page already loaded it is fetched at once (idle), or by a timer without requestIdleCallback', async (t) => {
  let page = await loadPage({ readyState: 'complete' });
  assert.equal(page.load.length, 0);
  assert.equal(page.idle.length, 1);
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  page = await loadPage({ readyState: 'complete', idle: false });
  assert.equal(page.scripts.length, 0);
  mock.timers.tick(1);
  assert.equal(page.scripts.length, 1);
  assert.equal(page.scripts[0].nonce, undefined, 'no nonce where the loader had none');
});

test('calls made before the recorder arrives are replayed to it in order, then forwarded', async () => {
  const page = await loadPage();
  const early = page.api;
  early.track('one', { a: 1 });
  early.identify('user-7', { plan: 'pro' });
  early.stop();
  early.start();
  early.track('two');
  assert.equal(early.sessionId, null);
  const { api, calls } = fakeRecorder();
  early._attach(api);
  assert.deepEqual(calls, [
    ['track', 'one', { a: 1 }],
    ['identify', 'user-7', { plan: 'pro' }],
    ['stop'],
    ['start'],
    ['track', 'two'],
  ]);
  early.track('three'); // a reference the page kept goes on working
  assert.deepEqual(calls.at(-1), ['track', 'three']);
  assert.equal(early.sessionId, 'sid-1');
});

test('a recorder without a method the page called is skipped, and one that throws stops nothing', async () => {
  const page = await loadPage();
  page.api.identify('x');
  page.api.track('a');
  page.api.track('b');
  const seen = [];
  page.api._attach({
    track(name) {
      seen.push(name);
      if (name === 'a') throw new Error('boom');
    },
  });
  assert.deepEqual(seen, ['a', 'b']);
  assert.doesNotThrow(() => page.api.identify('y'));
});

test('the real recorder takes over the API and records what was queued', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  FakeSocket.reset();
  const page = await loadPage();
  const early = page.api;
  early.track('before the recorder');
  page.loaded();
  assert.equal(page.scripts.length, 1);
  await page.arrive();
  assert.notEqual(globalThis.SessionReplay, early, 'the recorder installed its own API');
  assert.equal(typeof Object.getOwnPropertyDescriptor(globalThis.SessionReplay, 'sessionId').get, 'function');
  assert.equal(globalThis.sessionStorage.getItem('sr:sample'), '1', 'autostart: it began');
  assert.ok(keysOf(globalThis.sessionStorage).includes('sr:win'), 'and made its recording');
});

test('autostart off: nothing is fetched or stored until consent; consent(false) before the recorder leaves ours empty', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  const page = await loadPage({ config: { autostart: false } });
  page.api.track('x');
  page.api.consent(false);
  page.loaded();
  assert.equal(page.scripts.length, 0, 'no recorder fetched: nothing would record');
  assert.deepEqual(keysOf(globalThis.localStorage), ['sr:consent']);
  assert.equal(globalThis.localStorage.getItem('sr:consent'), '0');
  assert.deepEqual(keysOf(globalThis.sessionStorage), []);
  page.api.consent(true); // changed their mind: now it is fetched
  assert.equal(page.idle.length, 1);
  page.loaded();
  page.api.consent(false); // and withdrawn again before it arrived
  await page.arrive();
  assert.deepEqual(keysOf(globalThis.localStorage), ['sr:consent']);
  assert.equal(globalThis.localStorage.getItem('sr:consent'), '0');
  assert.deepEqual(keysOf(globalThis.sessionStorage), [], 'not even the sampling decision');
  assert.equal(globalThis.SessionReplay.sessionId, null);
});

test('autostart off: consent(true) before the recorder arrives starts it when it does', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  const page = await loadPage({ config: { autostart: false } });
  assert.deepEqual(keysOf(globalThis.localStorage), []);
  page.api.consent(true);
  assert.equal(globalThis.localStorage.getItem('sr:consent'), '1', 'kept at once');
  assert.deepEqual(keysOf(globalThis.sessionStorage), [], 'nothing recorded yet');
  page.loaded();
  await page.arrive();
  assert.ok(keysOf(globalThis.sessionStorage).includes('sr:sample'));
  assert.ok(keysOf(globalThis.sessionStorage).includes('sr:win'));
});

const WIN = 'w'.repeat(16);

test('batches an earlier page of the tab left are delivered: the recorder is fetched for them', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  FakeSocket.reset();
  const page = await loadPage({ config: { autostart: false }, tab: { 'sr:win': WIN, ['sr:b:' + WIN + ':1']: '1,0|\x91\xc0' } });
  page.loaded();
  assert.equal(page.scripts.length, 1);
  await page.arrive();
  assert.equal(FakeSocket.all.length, 1, 'a socket to deliver them');
});

test('a tab left out of the sample on an earlier page does not fetch the recorder', async () => {
  const page = await loadPage({ tab: { 'sr:sample': '0' } });
  page.loaded();
  assert.equal(page.scripts.length, 0);
  page.api.start(); // unless the page asks for it
  page.loaded();
  assert.equal(page.scripts.length, 1);
});

for (const [what, options] of [
  ['Global Privacy Control', { nav: { globalPrivacyControl: true } }],
  ['Do Not Track', { nav: { doNotTrack: '1' } }],
  ['the server (a staff user)', { config: { optOut: 'staff' } }],
  ['no config', { config: null }],
  ['a config without the recorder URL (an older server)', { config: { main: undefined } }],
]) {
  test(`${what}: an inert API, nothing fetched, nothing stored, whatever the page calls`, async () => {
    const page = await loadPage(options);
    const api = page.api;
    for (const m of ['start', 'stop', 'track', 'identify', 'consent']) assert.equal(typeof api[m], 'function', m);
    api.consent(true);
    api.start();
    api.track('x');
    api.identify('u');
    page.loaded();
    assert.equal(api.sessionId, null);
    assert.equal(page.scripts.length, 0);
    assert.deepEqual(keysOf(globalThis.localStorage), []);
    assert.deepEqual(keysOf(globalThis.sessionStorage), []);
  });
}

test('a recorder that fails to load leaves the API inert and quiet', async () => {
  const page = await loadPage();
  page.loaded();
  page.scripts[0].onerror();
  assert.doesNotThrow(() => {
    page.api.track('x');
    page.api.start();
    page.api.stop();
    page.api.identify('u');
  });
  assert.equal(page.api.sessionId, null);
});

test('the loader never throws into the page, even where the DOM does', async () => {
  const page = await loadPage();
  document.createElement = () => {
    throw new Error('no DOM');
  };
  assert.doesNotThrow(() => page.loaded());
  assert.doesNotThrow(() => page.api.track('x'));
});

test('an API already on the page is left alone', async () => {
  globalThis.window = globalThis;
  const mine = { start() {}, stop() {}, track() {}, sessionId: 'already' };
  globalThis.SessionReplay = mine;
  globalThis.document = { getElementById: () => assert.fail('the config is not even read') };
  await import(`../src/loader.js?page=${++n}`);
  assert.equal(globalThis.SessionReplay, mine);
});

test('the queue is bounded: a page calling in a loop before the recorder arrives', async () => {
  const page = await loadPage();
  for (let i = 0; i < 5000; i++) page.api.track('tick', { i });
  const { api, calls } = fakeRecorder();
  page.api._attach(api);
  assert.equal(calls.length, 1000);
  assert.deepEqual(calls[999], ['track', 'tick', { i: 999 }]);
});
