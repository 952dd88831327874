import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '@msgpack/msgpack';
import { EventType } from '@rrweb/types';
import { Timeline } from '../src/timeline.js';
import { StoredEvents, openLive } from '../src/live.js';
import { progressText } from '../src/status.js';
import { readLines } from '../src/stream.js';
import { playerSize } from '../src/view.js';
import { FakeSocket } from './fakes.js';

const meta = (ts, width = 1000, height = 500) => ({ type: EventType.Meta, timestamp: ts, data: { width, height } });
const snapshot = (ts) => ({ type: EventType.FullSnapshot, timestamp: ts, data: {} });
const move = (ts) => ({ type: EventType.IncrementalSnapshot, timestamp: ts, data: { source: 1 } });

test('the player starts once a Meta and a FullSnapshot are in, with the events sorted', () => {
  let started = null;
  const tl = new Timeline(() => (started = tl.begin()));
  tl.accept(move(30));
  tl.accept(snapshot(20));
  assert.equal(started, null);
  tl.accept(meta(10));
  assert.deepEqual(
    started.map((e) => e.timestamp),
    [10, 20, 30],
  );
  assert.equal(tl.started, true);
  tl.accept(move(40));
  tl.accept(move(35));
  assert.deepEqual(
    tl.takeLater().map((e) => e.timestamp),
    [40, 35],
  );
  assert.deepEqual(tl.takeLater(), []);
  assert.equal(tl.count, 5);
  assert.equal(tl.meta.timestamp, 10);
});

test('blank lines are skipped; unreadable lines and non-events are counted', () => {
  const tl = new Timeline(() => tl.begin());
  assert.equal(tl.line('   '), undefined);
  assert.equal(tl.line('{"type": 3'), undefined);
  assert.deepEqual(tl.line('{"type": "3", "timestamp": 1}'), { type: '3', timestamp: 1 });
  tl.line(JSON.stringify(move(5)));
  assert.deepEqual([tl.count, tl.bad], [1, 2]);
});

test('a live event equal to a stored one (but for the replayer\'s delay) is a duplicate, once', () => {
  const stored = new StoredEvents();
  const e = move(100);
  stored.add(JSON.parse(JSON.stringify(e)));
  stored.add(undefined);
  stored.add({ type: 3 });
  assert.equal(stored.takeDuplicate({ ...move(100), data: { source: 2 } }), false, 'same time, other content');
  assert.equal(stored.takeDuplicate({ ...e, delay: 12 }), true);
  assert.equal(stored.takeDuplicate(e), false, 'a second equal live event is new');
  assert.equal(stored.takeDuplicate(null), false);
});

test('status text', () => {
  const p = { count: 1, bad: 0, done: false, live: false, liveState: '' };
  assert.equal(progressText(p), '1 event (loading…)');
  assert.equal(progressText({ ...p, count: 2, live: true }), '2 events (live, loading…)');
  assert.equal(progressText({ ...p, done: true, liveState: 'on', bad: 1 }), '1 event, watching live, 1 unreadable line skipped');
  assert.equal(
    progressText({ ...p, count: 0, done: true, liveState: 'off', bad: 3 }),
    '0 events, live updates stopped (reload for more), 3 unreadable lines skipped',
  );
});

test('NDJSON lines split across chunks (and inside a UTF-8 character) arrive whole', async () => {
  const text = '{"a":"é"}\n{"b":2}\n\n{"c":3}';
  const bytes = new TextEncoder().encode(text);
  const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 12), bytes.subarray(12)]; // 7 splits "é"
  const body = new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(ch);
      c.close();
    },
  });
  const calls = [];
  await readLines(body, (lines, done) => calls.push([lines, done]));
  assert.deepEqual(
    calls.flatMap(([lines]) => lines).filter((l) => l),
    ['{"a":"é"}', '{"b":2}', '{"c":3}'],
  );
  assert.equal(calls.at(-1)[1], true);
  assert.ok(calls.slice(0, -1).every(([, done]) => !done));
});

test('the player keeps the recorded aspect ratio within the window', () => {
  assert.deepEqual(playerSize(800, 2000, meta(0, 1000, 500)), { width: 800, height: 400 });
  assert.deepEqual(playerSize(800, 400, meta(0, 1000, 1000)), { width: 800, height: 240 });
  assert.deepEqual(playerSize(100, 2000, null), { width: 320, height: 180 });
});

test('the live socket keeps only the watched window and settles once subscribed', async (t) => {
  FakeSocket.reset();
  mock.timers.enable({ apis: ['setTimeout'] }); // the 3 s subscribe fallback must not hold the run
  t.after(() => mock.timers.reset());
  const got = [];
  const states = [];
  const subscribed = openLive({
    url: '/ws/session-replay/live/abc/',
    win: 'w1',
    onEvents: (events) => got.push(...events),
    onState: (s) => states.push(s),
    Socket: FakeSocket,
    base: 'https://admin.example/replay/',
  });
  const ws = FakeSocket.all[0];
  assert.equal(ws.url, 'wss://admin.example/ws/session-replay/live/abc/');
  ws.open();
  await subscribed;
  ws.receive(encode({ t: 'events', win: 'w2', seq: 1, events: [move(1)] }));
  ws.receive(encode({ t: 'events', win: 'w1', seq: 4, events: [move(2)] }));
  ws.receive(encode({ t: 'other', win: 'w1', events: [move(3)] }));
  ws.receive(new Uint8Array([0x81])); // truncated
  ws.serverClose(4403);
  assert.deepEqual(got, [move(2)]);
  assert.deepEqual(states, ['on', 'off']);
});
