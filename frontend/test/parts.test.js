import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partFrames, zOf, PART_OVERHEAD } from '../src/parts.js';
import { batchFrame } from '../src/codec.js';
import { decode } from '../src/decode.js';

const bytes = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 255);

test('parts are slices of z, in order, each within the frame limit', () => {
  const z = bytes(10000);
  const parts = partFrames(3, z, 0, 3000 + PART_OVERHEAD);
  const ds = parts.map((p) => decode(p.f));
  assert.deepEqual(
    ds.map((d) => [d.t, d.seq, d.i, d.n]),
    [0, 1, 2, 3].map((i) => ['part', 3, i, 4]),
  );
  assert.deepEqual(Buffer.concat(ds.map((d) => d.z)), Buffer.from(z));
  for (const p of parts) assert.ok(p.f.length <= 3000 + PART_OVERHEAD);
});

test('a part stands for at most a quarter of the raw pace', () => {
  // 100 KB of z inflating to 10 MB at 4 MB/s: 1 MB of raw per part, 10 KB of z.
  const parts = partFrames(1, bytes(100_000), 10_000_000, 1 << 20, 4_000_000);
  assert.equal(parts.length, 10);
  for (const p of parts) assert.ok(p.raw <= 1_000_000, `${p.raw}`);
  assert.equal(
    parts.reduce((n, p) => n + p.raw, 0),
    10_000_000,
  );
});

test('zOf reads a held z frame back, and nothing else', () => {
  assert.deepEqual(zOf(batchFrame(1, null, bytes(5))), bytes(5));
  assert.equal(zOf(batchFrame(1, Uint8Array.of(0x90))), null);
  assert.equal(zOf(Uint8Array.of(0xc1)), null);
});
