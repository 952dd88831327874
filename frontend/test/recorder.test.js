// The entry point on a page it cannot record: the public API must exist
// anyway, so page code calling window.SessionReplay never breaks.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { FakeSocket, MemoryStorage, serverConfig } from './fakes.js';

let page = 0;
/** Loads a fresh copy of recorder.js on a page whose config element holds `json`. */
async function loadOnPage(json) {
  globalThis.window = globalThis;
  delete globalThis.SessionReplay;
  globalThis.document = {
    getElementById: (id) => (id === 'session-replay-config' && json !== null ? { textContent: json } : null),
    addEventListener() {},
  };
  globalThis.addEventListener = () => {};
  globalThis.location = new URL('https://site.example/page');
  globalThis.WebSocket = FakeSocket; // so only the config decides
  globalThis.localStorage = new MemoryStorage();
  globalThis.sessionStorage = new MemoryStorage();
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
  api.stop();
  assert.equal(globalThis.sessionStorage.length, 0, 'nothing recorded, nothing stored');
}

test('a complete config makes a recorder (the control for the cases below)', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] }); // the window ownership heartbeat would run forever
  t.after(() => mock.timers.reset());
  const api = await loadOnPage(JSON.stringify({ ...serverConfig(), autostart: false }));
  assert.equal(isRecorder(api), true);
  assert.equal(api.sessionId, null);
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
