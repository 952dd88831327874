import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '@msgpack/msgpack';
import { Transport } from '../src/transport.js';
import { protocolConfig } from '../src/config.js';
import { decode } from '../src/decode.js';
import { FakeSocket, serverConfig } from './fakes.js';

const protocol = protocolConfig(serverConfig().protocol);
const codes = serverConfig().protocol.codes;

let log;
function connect(rules = protocol) {
  log = { welcome: [], ack: [], closed: [], drain: 0 };
  const t = new Transport(
    'ws://test/ws/',
    {
      hello: () => ({ t: 'hello', v: 1 }),
      welcome: (m) => log.welcome.push(m),
      ack: (seq) => log.ack.push(seq),
      closed: (c) => log.closed.push(c),
      drain: () => log.drain++,
    },
    rules,
    FakeSocket,
  );
  t.open();
  return t;
}
const last = () => FakeSocket.all[FakeSocket.all.length - 1];
function welcomed(t) {
  last().open();
  last().receive(encode({ t: 'welcome', sid: 's', token: 'k', seq: 0 }));
  assert.equal(t.ready, true);
  return last();
}

beforeEach(() => {
  FakeSocket.reset();
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
});
afterEach(() => mock.timers.reset());

test('hello goes first; frames are sent only once welcomed', () => {
  const t = connect();
  const ws = last();
  assert.equal(ws.url, 'ws://test/ws/');
  assert.equal(t.send(new Uint8Array([1])), false, 'not open yet');
  ws.open();
  assert.deepEqual(decode(ws.sent[0]), { t: 'hello', v: 1 });
  assert.equal(t.send(new Uint8Array([1])), false, 'not welcomed yet');
  ws.receive(encode({ t: 'welcome', sid: 's', token: 'k', seq: 3 }));
  assert.deepEqual(log.welcome, [{ t: 'welcome', sid: 's', token: 'k', seq: 3 }]);
  assert.equal(t.send(new Uint8Array([1])), true);
  ws.receive(encode({ t: 'ack', seq: 1 }));
  assert.deepEqual(log.ack, [1]);
});

test('text frames and unreadable frames are ignored', () => {
  const t = connect();
  const ws = last();
  ws.open();
  ws.fire('message', { data: '{"t":"welcome"}' });
  ws.receive(new Uint8Array([0xc1]));
  ws.receive(encode({ t: 'welcome', sid: 's' }).subarray(0, 4));
  assert.equal(t.ready, false);
  assert.deepEqual(log.welcome, []);
});

test('sends are paced to the frames-per-second budget from the config', () => {
  const t = connect();
  welcomed(t);
  let sent = 0;
  while (t.send(new Uint8Array(10))) sent++;
  assert.equal(sent, protocol.pace.frames);
  assert.equal(log.drain, 0);
  mock.timers.tick(999);
  assert.equal(log.drain, 0);
  mock.timers.tick(1);
  assert.equal(log.drain, 1, 'told to go on when the window moves');
  assert.equal(t.send(new Uint8Array(10)), true);
});

test('a smaller budget in the config is obeyed', () => {
  const t = connect({ ...protocol, pace: { frames: 3, bytes: 100 } });
  welcomed(t);
  assert.equal(t.send(new Uint8Array(60)), true);
  assert.equal(t.send(new Uint8Array(60)), false, 'over the byte budget');
  assert.equal(t.send(new Uint8Array(40)), true, 'a smaller frame still fits');
  mock.timers.tick(1000);
  assert.equal(t.send(new Uint8Array(500)), true, 'the first frame of a window always goes');
  assert.equal(t.send(new Uint8Array(1)), false);
});

test('a fatal close code stops the transport for good', () => {
  for (const code of protocol.fatal) {
    FakeSocket.reset();
    const t = connect();
    welcomed(t);
    last().serverClose(code);
    assert.equal(t.fatal, true, `code ${code}`);
    mock.timers.tick(60_000);
    t.open();
    t.nudge();
    assert.equal(FakeSocket.all.length, 1, 'no reconnect');
  }
});

test('other closes reconnect with backoff', () => {
  const t = connect();
  welcomed(t);
  last().serverClose(codes.server_error);
  assert.equal(t.fatal, false);
  assert.equal(FakeSocket.all.length, 1);
  mock.timers.tick(500); // the first step's full jitter is below 500 ms
  assert.equal(FakeSocket.all.length, 2);
  last().serverClose(1006);
  mock.timers.tick(1000);
  assert.equal(FakeSocket.all.length, 3);
});

test('nudge skips the backoff wait', () => {
  const t = connect();
  for (let i = 0; i < 8; i++) {
    last().serverClose(1006);
    mock.timers.tick(30_000);
  }
  const before = FakeSocket.all.length;
  last().serverClose(1006);
  t.nudge();
  assert.equal(FakeSocket.all.length, before + 1);
});

test('a refused code counts as refused only on a welcomed socket', () => {
  const t = connect();
  last().open();
  last().serverClose(codes.bad_frame);
  assert.deepEqual(log.closed, [{ code: codes.bad_frame, refused: false, sessionFull: false, conflict: false }]);
  mock.timers.tick(1000);
  welcomed(t);
  last().serverClose(codes.frame_too_large);
  assert.deepEqual(log.closed[1], { code: codes.frame_too_large, refused: true, sessionFull: false, conflict: false });
  mock.timers.tick(2000);
  welcomed(t);
  last().serverClose(codes.rate_limited);
  assert.equal(log.closed[2].refused, false, 'rate limited: the batch is fine, re-send it');
});

test('session_full is reported, and is not final', () => {
  const t = connect();
  welcomed(t);
  last().serverClose(protocol.sessionFull);
  assert.deepEqual(log.closed, [{ code: codes.session_full, refused: false, sessionFull: true, conflict: false }]);
  assert.equal(t.fatal, false);
});

test('close() shuts the socket and stops reconnecting; restart() opens a new one', () => {
  const t = connect();
  const ws = welcomed(t);
  t.restart();
  assert.equal(ws.closedWith, 1000);
  assert.equal(FakeSocket.all.length, 2);
  ws.serverClose(1000); // the old socket's close event must not count
  assert.deepEqual(log.closed, []);
  t.close();
  assert.equal(last().closedWith, 1000);
  last().serverClose(1000);
  mock.timers.tick(60_000);
  assert.equal(FakeSocket.all.length, 2);
});

test('a quiet welcomed socket pings; frames sent put the ping off', () => {
  const t = connect();
  const ws = welcomed(t);
  const pings = () => ws.sent.filter((b) => decode(b).t === 'ping').length;
  mock.timers.tick(protocol.pingMs - 1);
  assert.equal(pings(), 0);
  assert.equal(t.send(new Uint8Array([1])), true);
  mock.timers.tick(protocol.pingMs - 1);
  assert.equal(pings(), 0, 'the batch reset the quiet time');
  mock.timers.tick(1);
  assert.equal(pings(), 1);
  mock.timers.tick(protocol.pingMs);
  assert.equal(pings(), 2, 'and again while it stays quiet');
  ws.receive(encode({ t: 'pong' }));
  ws.serverClose(1006);
  mock.timers.tick(protocol.pingMs * 3);
  assert.equal(pings(), 2, 'no ping on a closed socket');
});

test('seq_conflict is reported as a conflict, on a welcomed socket only', () => {
  const t = connect();
  last().open();
  last().serverClose(codes.seq_conflict);
  assert.equal(log.closed[0].conflict, false);
  mock.timers.tick(1000);
  welcomed(t);
  last().serverClose(codes.seq_conflict);
  assert.deepEqual(log.closed[1], { code: 4014, refused: false, sessionFull: false, conflict: true });
  assert.equal(t.fatal, false);
});

test('the inflated bytes of a second are paced too', () => {
  const t = connect();
  welcomed(t);
  const raw = protocol.pace.rawBytes;
  assert.equal(t.send(new Uint8Array(10), raw - 100), true);
  assert.equal(t.send(new Uint8Array(10), 200), false, 'past the inflated budget');
  mock.timers.tick(1000);
  assert.equal(log.drain, 1);
  assert.equal(t.send(new Uint8Array(10), 200), true, 'a new second');
});
