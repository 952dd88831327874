import { test } from 'node:test';
import assert from 'node:assert/strict';
import { windowId, Visitor, Counter } from '../src/identity.js';
import { Held, heldPrefix } from '../src/held.js';
import { protocolConfig } from '../src/config.js';
import { memoryStore, serverConfig } from './fakes.js';

const idRule = protocolConfig(serverConfig().protocol).idRule;

test('the window id is kept across reloads of the tab', () => {
  const tab = memoryStore();
  const local = memoryStore();
  const first = windowId(tab, local, idRule);
  assert.match(first, /^[0-9a-f]{32}$/);
  assert.equal(windowId(tab, local, idRule), first);
  assert.notEqual(windowId(memoryStore(), local, idRule), first, 'another tab gets its own');
});

test('a stored window id is checked against the id rule from the config', () => {
  const tab = memoryStore();
  const local = memoryStore();
  tab.set('sr:win', 'has spaces');
  assert.notEqual(windowId(tab, local, idRule), 'has spaces');
  tab.set('sr:win', 'short');
  assert.equal(windowId(tab, local, idRule), 'short');
  // A stricter server rule (from its config) rejects the same id.
  const strict = protocolConfig({ ...serverConfig().protocol, idPattern: '^[0-9a-f]{32}$' }).idRule;
  const id = windowId(tab, local, strict);
  assert.notEqual(id, 'short');
  assert.match(id, strict);
});

test('a copied tab whose opener still owns the id takes a new one and drops the copies', () => {
  const tab = memoryStore();
  const local = memoryStore();
  const now = 1_000_000;
  tab.set('sr:win', 'opener');
  new Counter('opener', tab).next();
  new Held('opener', tab).add({ seq: 1, f: new Uint8Array([1]), n: 1 });
  local.setJSON('sr:live:opener', { at: now - 500 }); // the opener's fresh mark
  const id = windowId(tab, local, idRule, now);
  assert.notEqual(id, 'opener');
  assert.equal(tab.get('sr:win'), id);
  assert.equal(tab.get('sr:ctr:opener'), null);
  assert.deepEqual(tab.keys(heldPrefix('opener')), []);
});

test('a stale ownership mark (the owner is gone) keeps the id and its batches', () => {
  const tab = memoryStore();
  const local = memoryStore();
  const now = 1_000_000;
  tab.set('sr:win', 'mine');
  new Held('mine', tab).add({ seq: 1, f: new Uint8Array([1]), n: 1 });
  local.setJSON('sr:live:mine', { at: now - 60_000 });
  assert.equal(windowId(tab, local, idRule, now), 'mine');
  assert.equal(tab.keys(heldPrefix('mine')).length, 1);
});

test('the visitor id is shared through localStorage and kept in memory when it is off', () => {
  const local = memoryStore();
  const a = new Visitor(local, idRule).id();
  assert.equal(new Visitor(local, idRule).id(), a);
  local.set('sr:visitor', 'not valid!');
  const b = new Visitor(local, idRule).id();
  assert.notEqual(b, 'not valid!');
  assert.match(b, idRule);

  const off = memoryStore();
  off.raw.full = true;
  const v = new Visitor(off, idRule);
  assert.equal(v.id(), v.id(), 'stable for the page without storage');
});

test('the seq counter persists with its session and token', () => {
  const tab = memoryStore();
  const c = new Counter('w', tab);
  assert.equal(c.seq, 0);
  c.sid = 's1';
  c.token = 't1';
  assert.equal(c.next(), 1);
  assert.equal(c.next(), 2);
  const again = new Counter('w', tab);
  assert.deepEqual([again.sid, again.token, again.seq], ['s1', 't1', 2]);
  tab.set('sr:ctr:x', JSON.stringify({ sid: 5, token: null, seq: -3 }));
  const odd = new Counter('x', tab);
  assert.deepEqual([odd.sid, odd.token, odd.seq], [null, null, 0]);
});
