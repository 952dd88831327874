import { test } from 'node:test';
import assert from 'node:assert/strict';
import { beacon, pickForBeacon, BEACON_MAX } from '../src/beacon.js';
import { batchFrame, list, enc } from '../src/codec.js';
import { decode } from '../src/decode.js';

const batch = (seq, bytes) => ({ seq, f: new Uint8Array(bytes).fill(seq), n: 1 });
const envelope = { v: 1, key: 'k', token: 'tok', win: 'w', visitor: 'vis' };

test('whole batches only, within the browser cap; a smaller later one may still fit', () => {
  const batches = [batch(1, 30000), batch(2, 40000), batch(3, 20000), batch(4, 20000)];
  const picked = pickForBeacon(batches);
  assert.deepEqual(
    picked.map((b) => b.seq),
    [1, 3],
  );
  const size = picked.reduce((n, b) => n + b.f.length, 0);
  assert.ok(size < BEACON_MAX);
});

test('a batch already beaconed is not beaconed again', () => {
  const batches = [batch(1, 100), { ...batch(2, 100), beaconed: true }, batch(3, 100)];
  assert.deepEqual(
    pickForBeacon(batches).map((b) => b.seq),
    [1, 3],
  );
});

test('the beacon posts the envelope and the frames, and marks them once the browser took it', async () => {
  const frame = (seq) => batchFrame(seq, list([enc({ type: 2, timestamp: seq })]));
  const batches = [
    { seq: 1, f: frame(1), n: 1 },
    { seq: 2, f: frame(2), n: 1 },
  ];
  const calls = [];
  const n = beacon(batches, '/ingest', envelope, (url, blob) => calls.push([url, blob]) > 0);
  assert.equal(n, 2);
  assert.equal(calls.length, 1);
  const [url, blob] = calls[0];
  assert.equal(url, '/ingest');
  assert.equal(blob.type, 'application/msgpack');
  const body = decode(new Uint8Array(await blob.arrayBuffer()));
  assert.deepEqual(body, {
    ...envelope,
    batches: [
      { t: 'batch', seq: 1, events: [{ type: 2, timestamp: 1 }] },
      { t: 'batch', seq: 2, events: [{ type: 2, timestamp: 2 }] },
    ],
  });
  assert.deepEqual(
    batches.map((b) => b.beaconed),
    [true, true],
  );
  assert.equal(beacon(batches, '/ingest', envelope, () => assert.fail('nothing left to send')), 0);
});

test('a beacon the browser refused leaves the batches for the next try', () => {
  const batches = [batch(1, 100)];
  assert.equal(beacon(batches, '/ingest', envelope, () => false), 0);
  assert.equal(batches[0].beaconed, undefined);
  assert.equal(pickForBeacon(batches).length, 1);
});

test('a beacon carries at most the server\'s batches per request', () => {
  const batches = [1, 2, 3, 4, 5].map((seq) => batch(seq, 100));
  assert.deepEqual(
    pickForBeacon(batches, BEACON_MAX, 3).map((b) => b.seq),
    [1, 2, 3],
  );
  assert.equal(pickForBeacon(batches).length, 5, 'no cap given: the byte cap alone');
});
