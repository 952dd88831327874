// Iframes (frames.js): which frames record, and the parent's snapshot requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SNAPSHOT_REQUEST, SNAPSHOT_REQUEST_MIN_MS, answerSnapshotRequests, frameRole } from '../src/frames.js';

const ID = 'session-replay-config';
const docWith = (hasConfig) => ({ getElementById: (id) => (hasConfig && id === ID ? {} : null) });

test('a top page records', () => {
  const win = {};
  win.parent = win;
  assert.equal(frameRole(/** @type {any} */ (win), ID, false), 'top');
});

test("a same-origin frame of a recording page leaves itself to the parent's recorder", () => {
  const parent = { document: docWith(true) };
  assert.equal(frameRole(/** @type {any} */ ({ parent }), ID, false), 'inside');
  assert.equal(frameRole(/** @type {any} */ ({ parent }), ID, true), 'inside');
});

test('a same-origin frame of a page without the recorder records on its own', () => {
  const parent = { document: docWith(false) };
  assert.equal(frameRole(/** @type {any} */ ({ parent }), ID, true), 'top');
});

test('a cross-origin frame hands its events to the parent only with the option', () => {
  const parent = {
    get document() {
      throw new DOMException('Blocked a frame', 'SecurityError');
    },
  };
  assert.equal(frameRole(/** @type {any} */ ({ parent }), ID, true), 'child');
  assert.equal(frameRole(/** @type {any} */ ({ parent }), ID, false), 'top');
});

test('a child frame answers its parent only, and at most every SNAPSHOT_REQUEST_MIN_MS', () => {
  let listener = (_e) => {};
  const parent = {};
  const win = { parent, addEventListener: (_type, fn) => (listener = fn) };
  let now = 0;
  let recording = false;
  let snapshots = 0;
  answerSnapshotRequests(
    /** @type {any} */ (win),
    () => {
      if (!recording) throw new Error('not recording');
      snapshots++;
    },
    () => now,
  );
  const ask = (source = parent) => listener({ source, data: { type: SNAPSHOT_REQUEST } });
  ask(); // not recording yet: does not count against the limit
  recording = true;
  ask();
  ask({}); // another window
  listener({ source: parent, data: { type: 'other' } });
  now += SNAPSHOT_REQUEST_MIN_MS - 1;
  ask();
  now += 1;
  ask();
  assert.equal(snapshots, 2);
});
