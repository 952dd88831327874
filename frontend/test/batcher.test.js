import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Batcher } from '../src/batcher.js';
import { Held } from '../src/held.js';
import { Counter } from '../src/identity.js';
import { GAP } from '../src/buffer.js';
import { decode } from '../src/decode.js';
import { FRAME_OVERHEAD, enc, list } from '../src/codec.js';
import { memoryStore, serverConfig } from './fakes.js';

const cfg = serverConfig();

function setup(o = {}) {
  const tab = o.tab || memoryStore();
  const compressed = [];
  const batcher = new Batcher({
    held: new Held('w', tab),
    counter: new Counter('w', tab),
    maxFrameBytes: o.maxFrameBytes || cfg.maxFrameBytes,
    maxEventBytes: o.maxEventBytes,
    rawPace: o.rawPace,
    maxBufferBytes: o.maxBufferBytes || cfg.maxBufferBytes,
    deflate: o.deflate || null,
    compressed: () => compressed.push(Date.now()),
  });
  return { batcher, tab, compressed };
}

/** An event whose msgpack encoding is about `size` bytes. */
const ev = (ts, size = 40) => ({ type: 3, timestamp: ts, data: { pad: 'x'.repeat(Math.max(0, size - 40)) } });

const frames = (batcher) => batcher.held.list.map((b) => decode(b.f));
const gapOf = (e) => e.type === 5 && e.data.tag === GAP && e.data.payload;

test('a cut numbers batches 1, 2, 3… and keeps every event, in order', () => {
  const { batcher } = setup({ maxFrameBytes: FRAME_OVERHEAD + 1000 });
  for (let i = 0; i < 100; i++) batcher.add(ev(i, 100));
  batcher.cutAll(false);
  const fs = frames(batcher);
  assert.ok(fs.length > 1, 'too many events for one frame');
  assert.deepEqual(
    fs.map((f) => f.seq),
    fs.map((_, i) => i + 1),
  );
  assert.deepEqual(
    fs.flatMap((f) => f.events.map((e) => e.timestamp)),
    Array.from({ length: 100 }, (_, i) => i),
  );
  for (const b of batcher.held.list) assert.ok(b.f.length <= FRAME_OVERHEAD + 1000, `frame of ${b.f.length} bytes`);
  assert.equal(batcher.held.list[0].n, fs[0].events.length);
});

test('seq goes on after a reload, past what the previous page still holds', () => {
  const tab = memoryStore();
  const first = setup({ tab }).batcher;
  first.add(ev(1));
  first.cutAll(false);
  first.add(ev(2));
  first.cutAll(false);
  first.counter.seq = 0; // even if the counter was lost
  first.counter.save();
  const next = setup({ tab }).batcher;
  next.add(ev(3));
  next.cutAll(false);
  assert.deepEqual(
    frames(next).map((f) => f.seq),
    [1, 2, 3],
  );
});

test('an event larger than a frame becomes a too_large gap marker', () => {
  const { batcher } = setup({ maxFrameBytes: FRAME_OVERHEAD + 500 });
  batcher.add(ev(1));
  batcher.add(ev(2, 5000));
  batcher.add(ev(3));
  batcher.cutAll(false);
  const all = frames(batcher).flatMap((f) => f.events);
  assert.deepEqual(
    all.map((e) => e.timestamp),
    [1, 2, 3],
  );
  assert.deepEqual(gapOf(all[1]), { reason: 'too_large', dropped: 1 });
});

test('on overflow the oldest pending events go, one marker counts them, and a snapshot is due', () => {
  const { batcher } = setup({ maxBufferBytes: 2000 });
  for (let i = 0; i < 100; i++) batcher.add(ev(i, 100));
  assert.ok(batcher.pending.bytes <= 2000);
  assert.equal(batcher.snapshotDue(), true);
  assert.equal(batcher.snapshotDue(), false, 'once per overflow');
  batcher.cutAll(false);
  const all = frames(batcher).flatMap((f) => f.events);
  const gap = gapOf(all[0]);
  assert.equal(gap.reason, 'overflow');
  assert.equal(gap.dropped + all.length - 1, 100, 'every event is either kept or counted');
  assert.equal(all[all.length - 1].timestamp, 99, 'the newest are kept');
});

test('no snapshot while held batches fill half the buffer', () => {
  const { batcher } = setup({ maxBufferBytes: 3000 });
  for (let i = 0; i < 17; i++) batcher.add(ev(i, 100));
  batcher.cutAll(false); // one batch, over half of the buffer
  assert.ok(batcher.held.bytes > 1500);
  for (let i = 0; i < 40; i++) batcher.add(ev(100 + i, 100)); // overflows
  assert.equal(batcher.wantSnapshot, true);
  assert.equal(batcher.snapshotDue(), false);
  batcher.acked(1);
  assert.equal(batcher.snapshotDue(), true);
});

test('pump sends in seq order and stops at the first frame the socket refuses', () => {
  const { batcher } = setup({ maxFrameBytes: FRAME_OVERHEAD + 100 });
  for (let i = 0; i < 5; i++) batcher.add(ev(i, 100));
  batcher.cutAll(false);
  const sent = [];
  let room = 2;
  const send = (f) => room-- > 0 && sent.push(decode(f).seq) > 0;
  batcher.pump(send);
  assert.deepEqual(sent, [1, 2]);
  room = 10;
  batcher.pump(send);
  assert.deepEqual(sent, [1, 2, 3, 4, 5], 'sent ones are not sent twice');
});

test('a batch being compressed holds back the ones after it, then goes as z', async () => {
  let release;
  const gate = new Promise((r) => (release = r));
  const deflate = async (bytes) => {
    await gate;
    return new Uint8Array(deflateRawSync(bytes));
  };
  const { batcher, compressed } = setup({ deflate, maxFrameBytes: FRAME_OVERHEAD + 3000 });
  for (let i = 0; i < 20; i++) batcher.add(ev(i, 100)); // ~2 KB: worth compressing
  batcher.cutAll(true);
  batcher.add(ev(99, 50)); // small: not compressed
  batcher.cutAll(true);
  const sent = [];
  batcher.pump((f) => sent.push(f) > 0);
  assert.equal(sent.length, 0, 'seq 2 must not overtake seq 1');
  release();
  await gate;
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(compressed.length, 1);
  batcher.pump((f) => sent.push(f) > 0);
  const [one, two] = sent.map(decode);
  assert.deepEqual([one.seq, two.seq], [1, 2]);
  assert.equal(one.events, undefined);
  assert.equal(decode(new Uint8Array(inflateRawSync(one.z))).length, 20);
  assert.equal(two.events.length, 1);
});

test('compression that fails or does not help keeps the plain frame', async () => {
  for (const deflate of [async () => Promise.reject(new Error('no')), async (b) => new Uint8Array(b.length + 1)]) {
    const { batcher, compressed } = setup({ deflate });
    for (let i = 0; i < 20; i++) batcher.add(ev(i, 100));
    batcher.cutAll(true);
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(compressed.length, 1);
    const [b] = batcher.held.list;
    assert.equal(b.busy, false);
    assert.equal(b.saved, true);
    assert.equal(decode(b.f).events.length, 20);
  }
});

test('welcome: what the server has is dropped, the rest is due again', () => {
  const { batcher } = setup({ maxFrameBytes: FRAME_OVERHEAD + 100 });
  batcher.welcomed('s1', 't1', 0, 0);
  for (let i = 0; i < 4; i++) batcher.add(ev(i, 100));
  batcher.cutAll(false);
  batcher.pump(() => true);
  batcher.welcomed('s1', 't2', 2, 0); // a reconnect: seq 1 and 2 are durable
  assert.deepEqual(
    batcher.held.list.map((b) => [b.seq, b.sent]),
    [
      [3, false],
      [4, false],
    ],
  );
  assert.equal(batcher.counter.token, 't2');
});

test('welcome with a higher seq than ours: new batches never reuse a stored seq', () => {
  const { batcher } = setup();
  batcher.welcomed('s1', 't1', 41, 0);
  batcher.add(ev(1));
  batcher.cutAll(false);
  assert.equal(frames(batcher)[0].seq, 42);
});

test('welcome into another session: old batches go, seq restarts, a snapshot is due', () => {
  const { batcher } = setup();
  batcher.welcomed('s1', 't1', 0, 0);
  batcher.add(ev(1));
  batcher.cutAll(false);
  batcher.add(ev(2)); // pending: a delta against s1's snapshot
  batcher.welcomed('s2', 't2', 0, 0);
  assert.equal(batcher.held.list.length, 0);
  assert.equal(batcher.pending.q.length, 0);
  assert.equal(batcher.snapshotDue(), true);
  batcher.add(ev(3));
  batcher.cutAll(false);
  assert.equal(frames(batcher)[0].seq, 1);
});

test('a batch the server refused comes back as a same-seq refused gap marker', () => {
  const { batcher } = setup({ maxFrameBytes: FRAME_OVERHEAD + 100 });
  batcher.welcomed('s1', 't1', 0, 0);
  for (let i = 0; i < 3; i++) batcher.add(ev(i, 100));
  batcher.cutAll(false);
  batcher.pump(() => true);
  batcher.noteRefused(); // closed with a "refused" code
  batcher.welcomed('s1', 't1', 0, 777);
  const fs = frames(batcher);
  assert.deepEqual(
    fs.map((f) => f.seq),
    [1, 2, 3],
  );
  assert.equal(fs[0].events.length, 1);
  assert.deepEqual(gapOf(fs[0].events[0]), { reason: 'refused', dropped: 1 });
  assert.equal(fs[0].events[0].timestamp, 777);
  assert.equal(fs[1].events[0].timestamp, 1, 'the others are untouched');
  batcher.welcomed('s1', 't1', 0, 0);
  assert.equal(frames(batcher)[1].events[0].timestamp, 1, 'only once');
});

test('a refused close before anything was sent replaces nothing', () => {
  const { batcher } = setup();
  batcher.welcomed('s1', 't1', 0, 0);
  batcher.add(ev(5));
  batcher.cutAll(false);
  batcher.noteRefused();
  batcher.welcomed('s1', 't1', 0, 0);
  assert.equal(frames(batcher)[0].events[0].timestamp, 5);
});

test('ack drops exactly that batch; empty once all are acked', () => {
  const { batcher, tab } = setup({ maxFrameBytes: FRAME_OVERHEAD + 100 });
  for (let i = 0; i < 3; i++) batcher.add(ev(i, 100));
  assert.equal(batcher.empty, false);
  batcher.cutAll(false);
  batcher.acked(2);
  assert.deepEqual(
    batcher.held.list.map((b) => b.seq),
    [1, 3],
  );
  batcher.acked(1);
  batcher.acked(3);
  assert.equal(batcher.empty, true);
  assert.deepEqual(tab.keys('sr:b:'), []);
});

test('a seq the server holds with other events is dropped, and a gap marker goes in a new batch', () => {
  const { batcher } = setup({ maxFrameBytes: FRAME_OVERHEAD + 100 });
  batcher.welcomed('s1', 't1', 0, 0);
  for (let i = 0; i < 2; i++) batcher.add(ev(i, 100));
  batcher.cutAll(false);
  batcher.pump(() => true);
  batcher.noteConflict(); // closed with seq_conflict
  batcher.welcomed('s1', 't1', 0, 555);
  assert.deepEqual(
    frames(batcher).map((f) => f.seq),
    [2],
    'seq 1 is not sent again: it would conflict forever',
  );
  batcher.cutAll(false);
  const fs = frames(batcher);
  assert.deepEqual(
    fs.map((f) => f.seq),
    [2, 3],
  );
  assert.deepEqual(gapOf(fs[1].events[0]), { reason: 'conflict', dropped: 1 });
  assert.equal(fs[1].events[0].timestamp, 555);
  batcher.welcomed('s1', 't1', 0, 0);
  assert.deepEqual(
    frames(batcher).map((f) => f.seq),
    [2, 3],
    'only once',
  );
});

test('pump passes each batch with its inflated size', () => {
  const { batcher } = setup();
  batcher.welcomed('s1', 't1', 0, 0);
  batcher.add(ev(1, 500));
  batcher.cutAll(false);
  const sizes = [];
  batcher.pump((f, raw) => sizes.push([f.length, raw]) > 0);
  assert.equal(sizes.length, 1);
  assert.equal(sizes[0][1], list([enc(ev(1, 500))]).length, 'the msgpack list of its events');
});

const realDeflate = async (bytes) => new Uint8Array(deflateRawSync(bytes));
const settle = () => new Promise((r) => setTimeout(r, 0));
/** An event of about `size` bytes that deflate cannot shrink much. */
const noisy = (ts, size) => {
  let pad = '';
  while (pad.length < size) pad += Math.random().toString(36).slice(2);
  return { type: 2, timestamp: ts, data: { pad: pad.slice(0, size) } };
};

/** Frames as the server reads them: batches, and part streams put back together. */
function reassemble(sent) {
  const out = [];
  let open = null;
  for (const f of sent.map(decode)) {
    if (f.t === 'batch') {
      assert.equal(open, null, 'a batch inside a part stream');
      out.push({ seq: f.seq, events: f.events || decode(new Uint8Array(inflateRawSync(f.z))), parts: 0 });
      continue;
    }
    assert.equal(f.t, 'part');
    if (f.i === 0) open = { seq: f.seq, n: f.n, z: [] };
    assert.deepEqual([f.seq, f.i, f.n], [open.seq, open.z.length, open.n], 'parts in order');
    open.z.push(f.z);
    if (open.z.length === open.n) {
      const z = Buffer.concat(open.z);
      out.push({ seq: open.seq, events: decode(new Uint8Array(inflateRawSync(z))), parts: open.n });
      open = null;
    }
  }
  assert.equal(open, null, 'a part stream left open');
  return out;
}

test('an event larger than a frame goes alone, in parts, after the events before it', async () => {
  const maxFrameBytes = FRAME_OVERHEAD + 4000;
  const { batcher } = setup({ deflate: realDeflate, maxFrameBytes, maxEventBytes: 1 << 20 });
  batcher.add(ev(1));
  batcher.add(noisy(2, 30000));
  batcher.add(ev(3));
  batcher.cutAll(true);
  await settle();
  const sent = [];
  batcher.pump((f) => sent.push(f) > 0);
  for (const f of sent) assert.ok(f.length <= maxFrameBytes, `a frame of ${f.length} bytes`);
  const got = reassemble(sent);
  assert.deepEqual(
    got.map((b) => [b.seq, b.events.map((e) => e.timestamp)]),
    [
      [1, [1]],
      [2, [2]],
      [3, [3]],
    ],
  );
  assert.ok(got[1].parts > 4, `${got[1].parts} parts`);
  assert.equal(got[1].events[0].data.pad.length, 30000);
  assert.ok(!frames(batcher).some((f) => f.events && f.events.some(gapOf)), 'no gap marker');
});

test('parts stop where the pace stops them, go on from there, and all go again on a new socket', async () => {
  const { batcher } = setup({ deflate: realDeflate, maxFrameBytes: FRAME_OVERHEAD + 2000, maxEventBytes: 1 << 20 });
  batcher.add(noisy(1, 20000));
  await settle();
  const sent = [];
  let room = 3;
  batcher.pump((f) => room-- > 0 && sent.push(f) > 0);
  assert.equal(sent.length, 3);
  assert.ok(!batcher.held.list[0].sent);
  room = Infinity;
  batcher.pump((f) => sent.push(f) > 0);
  const parts = sent.map(decode);
  assert.deepEqual(
    parts.map((p) => p.i),
    parts.map((_, i) => i),
  );
  assert.equal(reassemble(sent)[0].events[0].data.pad.length, 20000);
  // The socket dropped before the ack: the next welcome sends every part again.
  batcher.welcomed('s', 't', 0, 5);
  const again = [];
  batcher.pump((f) => again.push(f) > 0);
  assert.deepEqual(again.map((f) => decode(f).i), parts.map((p) => p.i));
  batcher.acked(1);
  assert.ok(batcher.empty);
});

test('a refused part stream comes back as a same-seq gap marker', async () => {
  const { batcher } = setup({ deflate: realDeflate, maxFrameBytes: FRAME_OVERHEAD + 2000, maxEventBytes: 1 << 20 });
  batcher.add(noisy(1, 20000));
  await settle();
  let room = 2;
  batcher.pump(() => room-- > 0);
  batcher.noteRefused(); // event_too_large after two parts
  batcher.welcomed('s', 't', 0, 5);
  const [gap] = frames(batcher);
  assert.equal(gap.seq, 1);
  assert.deepEqual(gapOf(gap.events[0]), { reason: 'refused', dropped: 1 });
});

test('an event over maxEventBytes, or any large one without deflate, is a too_large gap', () => {
  for (const o of [{ deflate: realDeflate, maxEventBytes: 10000 }, { maxEventBytes: 1 << 20 }]) {
    const { batcher } = setup({ ...o, maxFrameBytes: FRAME_OVERHEAD + 2000 });
    batcher.add(noisy(1, 20000));
    batcher.cutAll(false);
    const [f] = frames(batcher);
    assert.deepEqual(gapOf(f.events[0]), { reason: 'too_large', dropped: 1 });
  }
});

test('a large event being compressed is neither saved nor beaconed, and counts once compressed', async () => {
  const { batcher, tab } = setup({ deflate: realDeflate, maxFrameBytes: FRAME_OVERHEAD + 2000, maxEventBytes: 1 << 20 });
  batcher.add(noisy(1, 20000));
  const [b] = batcher.held.list;
  assert.equal(b.f.length, 0);
  assert.equal(batcher.held.bytes, 0);
  batcher.held.saveAll();
  assert.deepEqual(tab.keys('sr:b:'), []);
  await settle();
  assert.ok(batcher.held.bytes > 10000, `${batcher.held.bytes} bytes held`);
  assert.equal(tab.keys('sr:b:').length, 1);
});

test('a large event that deflates into one frame still goes as a part: the server bounds what a batch inflates to', async () => {
  const tab = memoryStore();
  const maxFrameBytes = FRAME_OVERHEAD + 4000;
  const { batcher } = setup({ tab, deflate: realDeflate, maxFrameBytes, maxEventBytes: 1 << 20 });
  batcher.add(ev(1, 50000)); // 50 KB of 'x': a few hundred bytes of z
  await settle();
  const sent = [];
  batcher.pump((f) => sent.push(f) > 0);
  assert.deepEqual(
    sent.map((f) => [decode(f).t, decode(f).n]),
    [['part', 1]],
  );
  // The same after a reload: the raw size is kept with the held batch.
  const again = setup({ tab, deflate: realDeflate, maxFrameBytes, maxEventBytes: 1 << 20 }).batcher;
  const resent = [];
  again.pump((f) => resent.push(f) > 0);
  assert.equal(decode(resent[0]).t, 'part');
});

/** An OffThread stand-in: packs in this process, or fails like a worker a CSP blocked. */
const fakeOffThread = (fail = false) => {
  const calls = [];
  return {
    calls,
    pack: async (json) => {
      calls.push(json.length);
      if (fail) throw new Error('no worker');
      const packed = enc([JSON.parse(json)]);
      return { z: new Uint8Array(deflateRawSync(packed)), r: packed.length };
    },
  };
};

test('a large full snapshot is encoded off the main thread from its JSON, the same bytes as here', async () => {
  for (const fail of [false, true]) {
    const off = fakeOffThread(fail);
    const { batcher } = setup({ deflate: realDeflate, maxFrameBytes: FRAME_OVERHEAD + 4000, maxEventBytes: 1 << 20 });
    batcher.offThread = off;
    const snapshot = noisy(2, 30000);
    batcher.add(ev(1));
    batcher.add(snapshot);
    batcher.add({ ...noisy(3, 30000), type: 3 }); // not a snapshot: encoded here
    await settle();
    await settle();
    assert.equal(off.calls.length, 1, 'only the snapshot went to the worker');
    const sent = [];
    batcher.pump((f) => sent.push(f) > 0);
    const got = reassemble(sent);
    assert.deepEqual(got[1].events, [snapshot], fail ? 'the fallback' : 'the worker');
    assert.equal(batcher.held.list[1].r, enc([snapshot]).length);
    assert.deepEqual(
      got.map((b) => b.seq),
      [1, 2, 3],
    );
  }
});

test('a small full snapshot stays on the main path', () => {
  const off = fakeOffThread();
  const { batcher } = setup({ deflate: realDeflate, maxEventBytes: 1 << 20 });
  batcher.offThread = off;
  batcher.add({ ...ev(1), type: 2 });
  batcher.cutAll(false);
  assert.equal(off.calls.length, 0);
  assert.equal(frames(batcher)[0].events[0].type, 2);
});
