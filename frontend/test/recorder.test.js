// The entry point on a page it cannot record: the public API must exist
// anyway, so page code calling window.SessionReplay never breaks.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { FakeSocket, MemoryStorage, cookieJar, serverConfig } from './fakes.js';

let page = 0;
/** Loads a fresh copy of recorder.js on a page whose config element holds `json`. */
async function loadOnPage(json, nav = {}, stored = {}) {
  globalThis.window = globalThis;
  Object.defineProperty(globalThis, 'navigator', { value: nav, configurable: true, writable: true });
  delete globalThis.SessionReplay;
  const jar = cookieJar();
  globalThis.document = Object.defineProperties(
    {
      getElementById: (id) => (id === 'session-replay-config' && json !== null ? { textContent: json } : null),
      addEventListener() {},
    },
    { cookie: Object.getOwnPropertyDescriptor(jar, 'cookie') },
  );
  globalThis.document.jar = jar;
  globalThis.addEventListener = () => {};
  globalThis.location = new URL('https://site.example/page');
  globalThis.WebSocket = FakeSocket; // so only the config decides
  globalThis.localStorage = new MemoryStorage();
  globalThis.sessionStorage = new MemoryStorage();
  for (const [k, v] of Object.entries(stored)) globalThis.localStorage.setItem(k, v);
  await import(`../src/recorder.js?page=${++page}`);
  return globalThis.SessionReplay;
}

/** The recorder's own API has a live sessionId getter; the inert one a plain null. */
const isRecorder = (api) => typeof Object.getOwnPropertyDescriptor(api, 'sessionId').get === 'function';

function assertInert(api) {
  assert.equal(isRecorder(api), false);
  assert.equal(typeof api, 'object');
  assert.equal(api.sessionId, null);
  api.start();
  api.track('x', { a: 1 });
  api.identify('user-1', { plan: 'pro' });
  api.stop();
  assert.equal(globalThis.sessionStorage.length, 0, 'nothing recorded, nothing stored');
}

test('a complete config makes a recorder (the control for the cases below)', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] }); // the window ownership heartbeat would run forever
  t.after(() => mock.timers.reset());
  const api = await loadOnPage(JSON.stringify({ ...serverConfig(), autostart: false }));
  assert.equal(isRecorder(api), true);
  assert.equal(api.sessionId, null);
  api.identify('user-1', { plan: 'pro' }); // not recording yet: ignored, never an error
  api.identify({ not: 'an id' });
});

test('no config element', async () => {
  assertInert(await loadOnPage(null));
});

test('a config that is not JSON', async () => {
  assertInert(await loadOnPage('{oops'));
});

test("a config without the protocol block (today's flat keys only)", async () => {
  const { protocol, ...flat } = serverConfig();
  assertInert(await loadOnPage(JSON.stringify(flat)));
});

test('an API already on the page is left alone', async () => {
  globalThis.window = globalThis;
  const mine = { start() {}, stop() {}, track() {}, sessionId: 'already' };
  globalThis.SessionReplay = mine;
  globalThis.document = { getElementById: () => assert.fail('the config is not even read') };
  await import(`../src/recorder.js?page=${++page}`);
  assert.equal(globalThis.SessionReplay, mine);
});

const keysOf = (s) => Array.from({ length: s.length }, (_, i) => s.key(i)).sort();

test('autostart off: nothing is written to storage before consent', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  const api = await loadOnPage(JSON.stringify({ ...serverConfig(), autostart: false }));
  assert.equal(isRecorder(api), true);
  api.track('before consent', {});
  api.stop();
  assert.deepEqual(globalThis.document.jar.writes, [], 'no cookie written, not even a deletion');
  assert.deepEqual(keysOf(globalThis.localStorage), []);
  assert.deepEqual(keysOf(globalThis.sessionStorage), [], 'not even the sampling decision');
  api.consent(true);
  assert.equal(globalThis.localStorage.getItem('sr:consent'), '1');
  assert.ok(keysOf(globalThis.sessionStorage).includes('sr:sample'));
  assert.ok(keysOf(globalThis.sessionStorage).includes('sr:win'), 'recording made its window');
  globalThis.document.jar.jar.set('sr_ctx', { value: 'set-by-another-tab', attrs: [] });
  api.consent(false); // withdrawn: everything of ours goes but the choice
  assert.equal(globalThis.document.cookie, '', 'the context cookie too');
  assert.deepEqual(keysOf(globalThis.localStorage), ['sr:consent']);
  assert.equal(globalThis.localStorage.getItem('sr:consent'), '0');
  assert.deepEqual(keysOf(globalThis.sessionStorage), []);
  assert.equal(api.sessionId, null);
});

test('a stored consent starts recording on the next page; a stored refusal keeps it off', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  await loadOnPage(JSON.stringify({ ...serverConfig(), autostart: false }), {}, { 'sr:consent': '1' });
  assert.ok(keysOf(globalThis.sessionStorage).includes('sr:sample'));
  await loadOnPage(JSON.stringify(serverConfig()), {}, { 'sr:consent': '0' }); // autostart on, declined
  assert.deepEqual(keysOf(globalThis.sessionStorage), []);
  assert.deepEqual(keysOf(globalThis.localStorage), ['sr:consent']);
});

for (const [what, nav, extra] of [
  ['Global Privacy Control', { globalPrivacyControl: true }, {}],
  ['GPC, even with Do Not Track turned off by the site', { globalPrivacyControl: true }, { respectDoNotTrack: false }],
  ['Do Not Track', { doNotTrack: '1' }, {}],
  ['the server (a staff user, or Sec-GPC / DNT headers)', {}, { optOut: 'staff' }],
]) {
  test(`${what}: no recorder, nothing stored, and consent cannot override it`, async () => {
    const api = await loadOnPage(JSON.stringify({ ...serverConfig(), ...extra }), nav);
    assert.equal(isRecorder(api), false);
    api.consent(true);
    api.start();
    assert.deepEqual(keysOf(globalThis.localStorage), []);
    assert.deepEqual(keysOf(globalThis.sessionStorage), []);
  });
}

test('Do Not Track does not stop recording where the site turned it off', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  const api = await loadOnPage(JSON.stringify({ ...serverConfig(), respectDoNotTrack: false }), { doNotTrack: '1' });
  assert.equal(isRecorder(api), true);
});
