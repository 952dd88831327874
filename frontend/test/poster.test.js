import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLAYER_WAIT_MS, startPlayerAfterPoster } from '../src/poster.js';

/** A page with a poster box (its frame an EventTarget) and a body that keeps what is appended. */
function page({ readyState = 'interactive', player = '/static/player.js', frame = true, src = '' } = {}) {
  const doc = new EventTarget();
  const iframe = frame ? Object.assign(new EventTarget(), { src }) : null;
  const box = {
    dataset: player ? { player } : {},
    querySelector: (selector) => (selector === 'iframe' ? iframe : null),
  };
  const appended = [];
  Object.assign(doc, {
    readyState,
    getElementById: (id) => (id === 'session-replay-poster' ? box : null),
    createElement: (tag) => ({ tag }),
    body: { append: (node) => appended.push(node) },
  });
  return { doc, iframe, appended };
}

/** A clock whose timers run only when told. */
function clock() {
  const timers = [];
  return {
    later: (run, ms) => timers.push({ run, ms }),
    fire: () => timers.splice(0).forEach((t) => t.run()),
    timers,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('the player starts once the poster frame has loaded, on a parsed page', async () => {
  const { doc, iframe, appended } = page();
  const time = clock();
  const started = startPlayerAfterPoster(doc, time.later);
  await settle();
  assert.equal(appended.length, 0, 'not before the poster is in');
  iframe.dispatchEvent(new Event('load'));
  const script = await started;
  assert.deepEqual(appended, [script]);
  assert.equal(script.tag, 'script');
  assert.equal(script.src, '/static/player.js');
});

test('a poster slow to load holds the player no longer than PLAYER_WAIT_MS', async () => {
  const { doc, appended } = page();
  const time = clock();
  const started = startPlayerAfterPoster(doc, time.later);
  assert.deepEqual(time.timers.map((t) => t.ms), [PLAYER_WAIT_MS]);
  time.fire();
  await started;
  assert.equal(appended.length, 1);
});

test('the player never starts before the page is parsed', async () => {
  const { doc, iframe, appended } = page({ readyState: 'loading' });
  const time = clock();
  const started = startPlayerAfterPoster(doc, time.later);
  iframe.dispatchEvent(new Event('load'));
  time.fire();
  await settle();
  assert.equal(appended.length, 0, 'started while the page was still loading');
  doc.dispatchEvent(new Event('DOMContentLoaded'));
  await started;
  assert.equal(appended.length, 1);
});

test('the player starts once, however many ways the poster comes in', async () => {
  const { doc, iframe, appended } = page();
  const time = clock();
  const started = startPlayerAfterPoster(doc, time.later);
  iframe.dispatchEvent(new Event('load'));
  time.fire();
  iframe.dispatchEvent(new Event('load'));
  await started;
  await settle();
  assert.equal(appended.length, 1);
});

test('without a poster, or one that names no player, nothing is started here', () => {
  const time = clock();
  const none = page();
  none.doc.getElementById = () => null;
  assert.equal(startPlayerAfterPoster(none.doc, time.later), null);
  assert.equal(startPlayerAfterPoster(page({ player: '' }).doc, time.later), null);
  assert.equal(time.timers.length, 0);
});

test('a poster already in when this runs starts the player at once', async () => {
  const src = 'http://testserver/admin/replay/poster/?window=tab-1';
  performance.mark(src); // what the page's resource timing holds once the frame is in
  try {
    const { doc, appended } = page({ src });
    const time = clock();
    await startPlayerAfterPoster(doc, time.later);
    assert.equal(appended.length, 1);
    assert.equal(time.timers.length, 0, 'waited for a load that had come');
  } finally {
    performance.clearMarks(src);
  }
  // Another frame's entry is not this one's.
  const { doc, appended } = page({ src: 'http://testserver/other/' });
  startPlayerAfterPoster(doc, clock().later);
  await settle();
  assert.equal(appended.length, 0);
});
