import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../src/session.js';
import { memoryStore, serverConfig } from './fakes.js';

const cfg = serverConfig();
const limits = { idleTimeoutMs: cfg.idleTimeoutMs, maxDurationMs: cfg.maxDurationMs };
const T0 = 1_700_000_000_000;

function welcomedSession(local = memoryStore()) {
  const s = new Session(local, limits);
  s.welcomed('s1', 'tok1', T0);
  return s;
}

test('no session yet: the hello asks for a new one', () => {
  assert.equal(new Session(memoryStore(), limits).resumeToken(T0), null);
});

test('a welcomed session is resumed by every tab until it is idle too long', () => {
  const local = memoryStore();
  welcomedSession(local);
  const otherTab = new Session(local, limits);
  assert.equal(otherTab.resumeToken(T0 + limits.idleTimeoutMs), 'tok1');
  assert.equal(otherTab.resumeToken(T0 + limits.idleTimeoutMs + 1), null);
});

test('activity keeps it alive, but not past the maximum duration', () => {
  const s = welcomedSession();
  let now = T0;
  let left = 0;
  while (now < T0 + limits.maxDurationMs + limits.idleTimeoutMs) {
    now += limits.idleTimeoutMs / 2;
    const leave = s.touch('s1', now);
    assert.equal(leave, now > T0 + limits.maxDurationMs, `at +${now - T0} ms`);
    left += leave ? 1 : 0;
  }
  assert.equal(left, 2);
  assert.equal(s.resumeToken(T0 + limits.maxDurationMs), 'tok1');
  assert.equal(s.resumeToken(T0 + limits.maxDurationMs + 1), null);
});

test('re-welcomed into the same session, it keeps its start; a new one starts now', () => {
  const s = welcomedSession();
  s.welcomed('s1', 'tok2', T0 + 5000);
  assert.deepEqual(s.current(), { sid: 's1', token: 'tok2', start: T0, last: T0 + 5000 });
  s.welcomed('s2', 'tok3', T0 + 9000);
  assert.deepEqual(s.current(), { sid: 's2', token: 'tok3', start: T0 + 9000, last: T0 + 9000 });
});

test('touch writes at most once a second', () => {
  const local = memoryStore();
  const s = welcomedSession(local);
  s.touch('s1', T0 + 1000);
  s.touch('s1', T0 + 1500);
  assert.equal(local.getJSON('sr:session').last, T0 + 1000);
  s.touch('s1', T0 + 2000);
  assert.equal(local.getJSON('sr:session').last, T0 + 2000);
});

test('touch says leave when another tab moved the visitor to another session', () => {
  const local = memoryStore();
  const s = welcomedSession(local);
  new Session(local, limits).welcomed('s9', 'tok9', T0 + 10);
  assert.equal(s.touch('s1', T0 + 2000), true);
  assert.equal(s.touch('s9', T0 + 4000), false);
});

test('without localStorage the session lives in memory for the page', () => {
  const local = memoryStore();
  local.raw.full = true;
  const s = welcomedSession(local);
  assert.equal(s.resumeToken(T0 + 1), 'tok1');
  // A stale record another tab left must not override this page's copy.
  local.raw.map.set('sr:session', JSON.stringify({ sid: 'old', token: 'stale', start: 0, last: T0 }));
  assert.equal(s.resumeToken(T0 + 1), 'tok1');
});

test('forget: the next hello starts a new session, unless another tab already moved on', () => {
  const local = memoryStore();
  const s = welcomedSession(local);
  s.forget('s1');
  assert.equal(s.resumeToken(T0 + 1), null);

  const t = welcomedSession(local);
  new Session(local, limits).welcomed('s2', 'tok2', T0 + 5);
  t.forget('s1');
  assert.equal(t.resumeToken(T0 + 10), 'tok2', "the other tab's session stays");
});
