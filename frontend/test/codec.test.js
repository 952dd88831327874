import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { encode } from '@msgpack/msgpack';
import { enc, list, batchFrame, ingestBody, deflate } from '../src/codec.js';
import { decode } from '../src/decode.js';

const events = (n) => Array.from({ length: n }, (_, i) => ({ type: 3, timestamp: 1000 + i, data: { i } }));

test('a batch frame assembled from encoded events decodes to {t, seq, events}', () => {
  for (const n of [0, 1, 15, 16, 300, 70000]) {
    const evs = events(n);
    const f = batchFrame(7, list(evs.map(enc)));
    assert.deepEqual(decode(f), { t: 'batch', seq: 7, events: evs }, `${n} events`);
  }
});

test('the assembled frame is byte for byte what a msgpack encoder writes', () => {
  const evs = events(20);
  assert.deepEqual(batchFrame(3, list(evs.map(enc))), encode({ t: 'batch', seq: 3, events: evs }));
});

test('a z frame carries the raw-deflated list, which inflates to the events', async () => {
  const evs = events(50);
  const z = await deflate(list(evs.map(enc)));
  const frame = decode(batchFrame(9, null, z));
  assert.equal(frame.t, 'batch');
  assert.equal(frame.seq, 9);
  assert.equal(frame.events, undefined);
  assert.deepEqual(decode(new Uint8Array(inflateRawSync(frame.z))), evs);
});

test('the ingest body is the envelope plus the frames as a list of maps', () => {
  const frames = [batchFrame(1, list([enc({ type: 4, timestamp: 1 })])), batchFrame(2, list([]))];
  const body = decode(ingestBody({ v: 1, key: 'k', token: 't', win: 'w', visitor: 'x' }, frames));
  assert.deepEqual(body, {
    v: 1,
    key: 'k',
    token: 't',
    win: 'w',
    visitor: 'x',
    batches: [
      { t: 'batch', seq: 1, events: [{ type: 4, timestamp: 1 }] },
      { t: 'batch', seq: 2, events: [] },
    ],
  });
});

test('decode reads every core type the server may send', () => {
  const value = {
    nil: null,
    yes: true,
    no: false,
    small: 5,
    neg: -3,
    int16: -30000,
    u32: 4000000000,
    big: 2 ** 53 - 1,
    negBig: -(2 ** 40),
    float: 1.5,
    str: 'é'.repeat(40),
    bin: new Uint8Array([1, 2, 3]),
    arr: Array.from({ length: 20 }, (_, i) => i),
  };
  assert.deepEqual(decode(encode(value)), value);
});

test('a "__proto__" key stays a plain key', () => {
  const m = decode(encode(JSON.parse('{"__proto__": {"polluted": 1}}')));
  assert.equal(Object.getPrototypeOf(m), Object.prototype);
  assert.deepEqual(Object.keys(m), ['__proto__']);
  assert.equal({}.polluted, undefined);
});

test('decode throws on truncated input and on extension types', () => {
  const full = encode({ t: 'welcome', sid: 'abc' });
  assert.throws(() => decode(full.subarray(0, full.length - 1)), /truncated|offset|bounds/i);
  assert.throws(() => decode(encode(new Date(0))), /unsupported/);
});
