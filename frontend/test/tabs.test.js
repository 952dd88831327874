import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SWITCH_AFTER_MS, switchTo, tabLink, windowAt } from '../src/tabs.js';

const tabs = [
  { window: 'a', start: 1000 },
  { window: 'b', start: 5000 },
];
// The visitor clicks in a, opens b (a page view) at 5 s, clicks there, back in a at 9 s.
const moments = [
  { ts: 1000, kind: 'page_view', window: 'a' },
  { ts: 2000, kind: 'click', window: 'a' },
  { ts: 5000, kind: 'page_view', window: 'b' },
  { ts: 6000, kind: 'console', window: 'a' }, // not the visitor's attention
  { ts: 7000, kind: 'click', window: 'b' },
  { ts: 9000, kind: 'focus', window: 'a' },
];

test('the tab in use is that of the latest page view, click or focus', () => {
  assert.equal(windowAt(moments, 500), null);
  assert.equal(windowAt(moments, 4999), 'a');
  assert.equal(windowAt(moments, 6500), 'b');
  assert.equal(windowAt(moments, 9000), 'a');
});

test('playing a, the replay moves to b at the moment the visitor did, and back', () => {
  const at = (shown, now, pinned = false) => switchTo({ moments, tabs, shown, now, pinned });
  assert.equal(at('a', 4000), null);
  assert.equal(at('a', 5000 + SWITCH_AFTER_MS - 1), null); // not for a stray instant
  assert.deepEqual(at('a', 5000 + SWITCH_AFTER_MS), { window: 'b', offset: SWITCH_AFTER_MS });
  assert.equal(at('b', 8000), null);
  assert.deepEqual(at('b', 9600), { window: 'a', offset: 8600 });
});

test('a pinned tab stays; one tab never switches', () => {
  assert.equal(switchTo({ moments, tabs, shown: 'a', now: 6000, pinned: true }), null);
  assert.equal(switchTo({ moments, tabs: [tabs[0]], shown: 'a', now: 6000, pinned: false }), null);
});

test("a tab's link keeps the page's other parameters", () => {
  const link = tabLink('https://x.test/replay/?window=a&_changelist_filters=q%3D1&pin=1#top', 'b', 1500);
  const u = new URL(link);
  assert.equal(u.searchParams.get('window'), 'b');
  assert.equal(u.searchParams.get('t'), '1500');
  assert.equal(u.searchParams.get('_changelist_filters'), 'q=1');
  assert.equal(u.hash, '');
});
