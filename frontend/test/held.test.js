import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Held, heldPrefix } from '../src/held.js';
import { Store, toBin, fromBin } from '../src/storage.js';
import { memoryStore } from './fakes.js';

const frame = (...bytes) => new Uint8Array(bytes);

test('binary strings keep every byte value', () => {
  const all = Uint8Array.from({ length: 70000 }, (_, i) => i % 256);
  assert.deepEqual(fromBin(toBin(all)), all);
});

test('a Store never throws: not even when the area getter does', () => {
  const broken = new Store(() => {
    throw new DOMException('denied', 'SecurityError');
  });
  assert.equal(broken.get('a'), null);
  assert.equal(broken.set('a', '1'), false);
  assert.deepEqual(broken.keys(''), []);
  broken.del('a');
  const tab = memoryStore();
  tab.raw.setItem('bad', '{not json');
  assert.equal(tab.getJSON('bad'), null);
});

test('held batches survive a reload, in seq order, with their counts', () => {
  const tab = memoryStore();
  const held = new Held('w1', tab);
  held.add({ seq: 2, f: frame(2, 2), n: 5 });
  held.add({ seq: 1, f: frame(1), n: 3 });
  held.add({ seq: 10, f: frame(0, 255, 10), n: 1 });
  const again = new Held('w1', tab);
  assert.deepEqual(
    again.list.map((b) => [b.seq, b.n, [...b.f]]),
    [
      [1, 3, [1]],
      [2, 5, [2, 2]],
      [10, 1, [0, 255, 10]],
    ],
  );
  assert.equal(again.bytes, 6);
  assert.equal(new Held('w2', tab).list.length, 0, "another window's batches are not ours");
});

test('unreadable stored entries are skipped', () => {
  const tab = memoryStore();
  tab.set(heldPrefix('w') + '3', 'no separator');
  tab.set(heldPrefix('w') + 'x', '1|a');
  tab.set(heldPrefix('w') + '4', '2|ab');
  assert.deepEqual(
    new Held('w', tab).list.map((b) => b.seq),
    [4],
  );
});

test('a busy batch is saved only once it is done', () => {
  const tab = memoryStore();
  const held = new Held('w', tab);
  const b = { seq: 1, f: frame(1, 2, 3), n: 1, busy: true };
  held.add(b);
  assert.equal(tab.keys(heldPrefix('w')).length, 0);
  held.replace(b, frame(9)); // compressed
  assert.equal(held.bytes, 1);
  assert.deepEqual([...new Held('w', tab).list[0].f], [9]);
});

test('filter drops batches from memory, byte count and storage', () => {
  const tab = memoryStore();
  const held = new Held('w', tab);
  for (let seq = 1; seq <= 4; seq++) held.add({ seq, f: frame(seq, seq), n: 1 });
  held.filter((b) => b.seq > 2);
  assert.deepEqual(
    held.list.map((b) => b.seq),
    [3, 4],
  );
  assert.equal(held.bytes, 4);
  assert.equal(tab.keys(heldPrefix('w')).length, 2);
});

test('a refused write leaves the batch unsaved, and saveAll retries it', () => {
  const tab = memoryStore();
  const held = new Held('w', tab);
  tab.raw.full = true;
  const b = { seq: 1, f: frame(1), n: 1 };
  held.add(b);
  assert.equal(b.saved, false);
  tab.raw.full = false;
  held.saveAll();
  assert.equal(b.saved, true);
  assert.equal(new Held('w', tab).list.length, 1);
});

test('replacing or saving a batch that was acked meanwhile stores nothing', () => {
  const tab = memoryStore();
  const held = new Held('w', tab);
  const b = { seq: 1, f: frame(1), n: 1, busy: true };
  held.add(b);
  held.filter(() => false); // acked while compressing
  held.replace(b, frame(7));
  held.save(b);
  assert.equal(tab.keys(heldPrefix('w')).length, 0);
  assert.equal(held.bytes, 0);
});
