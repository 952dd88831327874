// The recorder's own msgpack encoder against @msgpack/msgpack (a
// devDependency for this test only): the same bytes on every event of the
// shared corpus of real recordings, and on the edges of every type it encodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Encoder } from '@msgpack/msgpack';
import { encode } from '../src/msgpack.js';

const library = new Encoder({ ignoreUndefined: true });
const same = (v, what) => assert.deepEqual(encode(v), library.encode(v), what);

// The repository's sibling ../shared/corpus, or SESSION_REPLAY_CORPUS.
const CORPUS = process.env.SESSION_REPLAY_CORPUS || new URL('../../../shared/corpus', import.meta.url).pathname;

test('every event of the shared corpus encodes to the same bytes', { skip: !existsSync(CORPUS) && `no corpus at ${CORPUS}` }, () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.json'));
  assert.ok(files.length > 0);
  let events = 0;
  for (const f of files) {
    const doc = JSON.parse(readFileSync(join(CORPUS, f), 'utf8'));
    const list = Array.isArray(doc) ? doc : doc.events;
    for (const ev of list) {
      const ours = encode(ev);
      const theirs = library.encode(ev);
      if (Buffer.compare(ours, theirs) !== 0) assert.fail(`${f}: event ${events} differs`);
      events++;
    }
    same(list, f + ', as one list');
  }
  assert.ok(events > 5000, `${events} events`);
});

test('integers and floats at every width boundary', () => {
  const edges = [0, -0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, Number.MAX_SAFE_INTEGER];
  for (const n of edges) {
    same(n, String(n));
    same(-n, String(-n));
  }
  for (const n of [-32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 40) - 7, 2 ** 40 + 7]) same(n, String(n));
  for (const x of [0.5, -1.25, 1e300, -1e-300, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 64, Math.PI]) same(x, String(x));
});

test('strings of every header width, in ASCII, two-, three- and four-byte UTF-8', () => {
  for (const unit of ['a', 'é', '€', '😀']) {
    for (const n of [0, 1, 10, 16, 25, 31, 32, 49, 50, 51, 85, 100, 255, 256, 30000, 70000]) same(unit.repeat(n), `${unit} x ${n}`);
  }
  same('mixed é€😀 text '.repeat(9), 'mixed');
});

test('maps and arrays of every header width, undefined left out of maps only', () => {
  for (const n of [0, 15, 16, 65535, 65536]) {
    same(Array.from({ length: n }, (_, i) => i), `array of ${n}`);
    same(Object.fromEntries(Array.from({ length: n }, (_, i) => ['k' + i, i])), `map of ${n}`);
  }
  same({ a: 1, b: undefined, c: null, d: [undefined, null, true, false], e: { f: undefined } }, 'undefined');
  same([1, , 3], 'a hole'); // eslint-disable-line no-sparse-arrays
});

test('binary of every header width, from any typed array', () => {
  for (const n of [0, 1, 255, 256, 65535, 65536]) same(new Uint8Array(n).map((_, i) => i * 7), `bin ${n}`);
  const words = new Uint16Array([1, 2, 3, 4]);
  same(words, 'Uint16Array');
  same(new Uint8Array(words.buffer, 2, 4), 'a view into a larger buffer');
  same({ t: 'batch', seq: 3, z: new Uint8Array([1, 2, 3]) }, 'a z frame');
});

test('where it differs on purpose: toJSON and lone surrogates, as JSON and TextEncoder do', () => {
  const when = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.deepEqual(encode({ when }), library.encode({ when: when.toJSON() }));
  for (const s of ['a\ud800b', 'x\udc00', '\ud83d', 'ok \ud83d\ude00 then \ud83d']) {
    const utf8 = new TextEncoder().encode(s);
    assert.deepEqual(encode(s).subarray(1), utf8, JSON.stringify(s));
    assert.deepEqual(encode(s.repeat(60)), library.encode(s.repeat(60)), 'long strings: the library uses TextEncoder too');
  }
});

test('what it cannot encode throws, as the library does', () => {
  assert.throws(() => encode(() => 1));
  assert.throws(() => encode(Symbol('x')));
  assert.throws(() => encode(1n));
  let deep = {};
  for (let i = 0; i < 150; i++) deep = { d: deep };
  assert.throws(() => encode(deep), /deeper/);
  const cyclic = { a: {} };
  cyclic.a.b = cyclic;
  assert.throws(() => encode(cyclic));
  same({ after: 'a failure leaves the encoder usable' }, 'after');
});

test('a getter that encodes while a value is encoded gets its own buffer', () => {
  const inner = { x: 'inner' };
  let nested;
  const outer = {
    a: 'before',
    get b() {
      nested = encode(inner);
      return 2;
    },
    c: 'after',
  };
  assert.deepEqual(encode(outer), library.encode({ a: 'before', b: 2, c: 'after' }));
  assert.deepEqual(nested, library.encode(inner));
});
