import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FOLLOW_BEHIND_MS, IDLE_AFTER_MS, LEFT_AFTER_MS, LiveEdge, endsWithLeave, isLeave } from '../src/follow.js';

/** A LiveEdge on a clock the test moves. */
function edgeAt(start = 1000) {
  const clock = { now: start };
  const edge = new LiveEdge(() => clock.now);
  return { edge, clock };
}

const click = (timestamp) => ({ type: 3, data: { source: 2 }, timestamp });
const leave = (timestamp) => ({ type: 6, data: { plugin: 'session-replay/page@1', payload: { kind: 'leave', url: '/' } }, timestamp });

test('a player stopped at the old end plays on from there when new events come', () => {
  const { edge } = edgeAt();
  // It had played to 10 s, the end; a batch took the end to 12 s.
  assert.equal(edge.target({ current: 10_000, total: 12_000, playing: false }), 11_750);
  // Stopped just before the new end: it plays from where it stands.
  assert.equal(edge.target({ current: 11_800, total: 12_000, playing: false }), 11_800);
});

test('a player that joined at the start, or fell behind, jumps near the newest event', () => {
  const { edge } = edgeAt();
  assert.equal(edge.target({ current: 0, total: 60_000, playing: false }), 60_000 - FOLLOW_BEHIND_MS);
  assert.equal(edge.target({ current: 50_000, total: 60_000, playing: true }), 60_000 - FOLLOW_BEHIND_MS);
});

test('a player playing close to the newest event is left to play', () => {
  const { edge } = edgeAt();
  assert.equal(edge.target({ current: 59_000, total: 60_000, playing: true }), null);
});

test('not following: the player is left where the watcher put it', () => {
  const { edge } = edgeAt();
  edge.following = false;
  assert.equal(edge.target({ current: 0, total: 60_000, playing: false }), null);
});

test('the live edge runs on from the arrival of the newest events, not their timestamps', () => {
  const { edge, clock } = edgeAt(5000);
  assert.equal(edge.edge(20_000), 20_000); // nothing arrived yet
  edge.arrive([click(1)]); // a visitor clock far in the past changes nothing
  clock.now += 2500;
  assert.equal(edge.edge(20_000), 22_500);
});

test('the status says following, idle after 30 s of nothing, left after a page left, ended', () => {
  const { edge, clock } = edgeAt();
  assert.equal(edge.status(), '');
  edge.arrive([click(1)]);
  assert.equal(edge.status(), 'Following the visitor live.');
  clock.now += IDLE_AFTER_MS + 5000;
  assert.equal(edge.status(), 'The visitor has been idle for 0:35.');
  edge.arrive([click(2), leave(3)]);
  assert.equal(edge.status(), 'Following the visitor live.');
  clock.now += LEFT_AFTER_MS;
  assert.equal(edge.status(), 'The visitor left the page.');
  edge.arrive([click(4)]); // an SPA navigation, or the next page: back again
  assert.equal(edge.status(), 'Following the visitor live.');
  edge.following = false;
  assert.equal(edge.status(), '');
  edge.ended = true;
  assert.equal(edge.status(), 'The visitor left: the session has ended.');
});

test('only the page plugin\'s leave record is a page left', () => {
  assert.equal(isLeave(leave(1)), true);
  assert.equal(isLeave(click(1)), false);
  assert.equal(isLeave({ type: 6, data: { plugin: 'rrweb/console@1', payload: { kind: 'leave' } }, timestamp: 1 }), false);
  assert.equal(isLeave(null), false);
});

const vital = (timestamp) => ({ type: 6, data: { plugin: 'session-replay/page@1', payload: { kind: 'vital', name: 'CLS', value: 0 } }, timestamp });

test('a page left is still the end when its last vitals come after it', () => {
  assert.equal(endsWithLeave([click(1), leave(2), vital(2), vital(2)]), true);
  assert.equal(endsWithLeave([leave(1), click(2)]), false);
  assert.equal(endsWithLeave([vital(1)]), null);
  const { edge, clock } = edgeAt();
  edge.arrive([click(1), leave(2)]);
  edge.arrive([vital(3)]); // what the page reports as it goes changes nothing
  clock.now += LEFT_AFTER_MS;
  assert.equal(edge.status(), 'The visitor left the page.');
});
