import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { exportWindows, unpack, windowLabel, windowStatus } from '../src/export.js';

const meta = (ts) => ({ type: 4, timestamp: ts, data: { width: 1000, height: 500 } });
const snapshot = (ts) => ({ type: 2, timestamp: ts, data: {} });
const move = (ts) => ({ type: 3, timestamp: ts, data: { source: 1 } });

test('each window of the embedded data, its events sorted, its Meta found', () => {
  const windows = exportWindows({
    v: 1,
    windows: [
      { id: 'tab-1', events: [move(30), snapshot(20), meta(10), move(30.5)] },
      { id: 'tab-2', events: [move(5), 'not an event', { type: 'x', timestamp: 1 }] },
    ],
  });
  assert.deepEqual(
    windows.map((w) => w.id),
    ['tab-1', 'tab-2'],
  );
  assert.deepEqual(
    windows[0].events.map((e) => e.timestamp),
    [10, 20, 30, 30.5],
  );
  assert.equal(windows[0].meta.timestamp, 10);
  assert.equal(windows[0].playable, true);
  assert.equal(windows[1].playable, false);
  assert.equal(windows[1].skipped, 2);
  assert.equal(windowLabel(windows[1], 1), 'Window 2 (tab-2): 1 event');
  assert.equal(windowStatus(windows[0]), '4 events');
  assert.match(windowStatus(windows[1]), /^1 event: no Meta and full snapshot.*, 2 unreadable values skipped$/);
});

test('data that is no export gives no windows', () => {
  assert.deepEqual(exportWindows(null), []);
  assert.deepEqual(exportWindows({ windows: 'x' }), []);
  assert.deepEqual(exportWindows({ windows: [{ id: 3, events: [] }, { id: 'a' }] }), []);
});

test('the embedded data is inflated from base64 gzip, as the server packs it', async () => {
  const data = { v: 1, session: { id: 's' }, windows: [{ id: 'tab-1', events: [{ type: 4, timestamp: 1, data: { text: '</script> é \u2028' } }] }] };
  const text = gzipSync(Buffer.from(JSON.stringify(data))).toString('base64');
  assert.deepEqual(await unpack(`\n${text}\n`), data);
});

test('data that is not base64 gzip of a JSON object reads as nothing', async () => {
  const packed = (/** @type {string} */ s) => gzipSync(Buffer.from(s)).toString('base64');
  assert.equal(await unpack('not base64 at all!'), null);
  assert.equal(await unpack(Buffer.from('{"v":1}').toString('base64')), null); // not gzipped
  assert.equal(await unpack(packed('{"v":')), null); // cut short
  assert.equal(await unpack(packed('42')), null);
  assert.equal(await unpack(packed('null')), null);
});
