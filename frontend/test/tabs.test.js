import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SWITCH_AFTER_MS, entryTab, offsetIn, otherTab, switchTo, tabLink, tabName, windowAt } from '../src/tabs.js';
import { eventsUrlOf, fromLastSnapshot } from '../src/tabload.js';

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

test('a tab the watcher chose holds while the visitor stays where they were', () => {
  const at = (shown, now, held) => switchTo({ moments, tabs, shown, now, pinned: false, held });
  // The watcher picked a at 7.5 s, when the visitor was in b: a stays.
  assert.equal(at('a', 8000, 'b'), null);
  // Without the hold the replay would go back to b.
  assert.deepEqual(at('a', 8000, null), { window: 'b', offset: 3000 });
  // The visitor goes on in a (9 s): nothing to switch to; a third tab would be followed.
  assert.equal(at('a', 9600, 'b'), null);
  assert.deepEqual(at('b', 9600, 'b'), { window: 'a', offset: 8600 });
});

test('a link without an offset leaves t out (a live session followed at its edge)', () => {
  const u = new URL(tabLink('https://x.test/replay/?window=a&t=900&pin=1', 'b', null));
  assert.equal(u.searchParams.get('window'), 'b');
  assert.equal(u.searchParams.has('t'), false);
  assert.equal(u.searchParams.get('pin'), '1');
  assert.equal(new URL(tabLink('https://x.test/replay/', 'a', 1234.6)).searchParams.get('t'), '1235');
});

const named = [
  { window: 'a', start: 1000, number: 1, title: 'Home' },
  { window: 'b', start: 5000, number: 2, title: 'Checkout' },
  { window: 'c', start: 6000, number: 3, title: '' },
  { window: 'd', start: 7000, number: 4, title: 'A page title that goes on for rather longer than forty characters' },
];

test('a tab is named as the switcher names it, by number and first page title', () => {
  assert.equal(tabName(named, 'b'), 'Tab 2: Checkout');
  assert.equal(tabName(named, 'c'), 'Tab 3');
  assert.equal(tabName(named, 'd'), 'Tab 4: A page title that goes on for rather lo…');
  assert.equal(tabName(named, 'zz'), '');
  assert.equal(tabName([{ window: 'x', start: 0 }, { window: 'y', start: 1 }], 'y'), 'Tab 2'); // no number: by place
});

test("another tab's entry is told apart; the tab shown's, one of no tab, or of one tab are not", () => {
  assert.equal(otherTab({ window: 'b' }, 'a', named), 'b');
  assert.equal(otherTab({ window: 'a' }, 'a', named), null);
  assert.equal(otherTab({ window: '' }, 'a', named), null);
  assert.equal(otherTab({}, 'a', named), null);
  assert.equal(otherTab({ window: 'zz' }, 'a', named), null); // a window the page was not told of
  assert.equal(otherTab({ window: 'b' }, 'a', [named[0]]), null);
  assert.deepEqual(entryTab({ window: 'b' }, { tabs: named, shown: 'a' }), { window: 'b', name: 'Tab 2: Checkout', start: 5000 });
  assert.equal(entryTab({ window: 'a' }, { tabs: named, shown: 'a' }), null);
  assert.equal(entryTab({ window: 'b' }, undefined), null);
});

test("a session moment as an offset in a tab's player, never before its start", () => {
  assert.equal(offsetIn(named, 'b', 6500), 1500);
  assert.equal(offsetIn(named, 'b', 4000), 0);
  assert.equal(offsetIn(named, 'zz', 4000), 0);
});

test("another tab's events URL: the page's own with ?window= set", () => {
  assert.equal(eventsUrlOf('/api/sessions/1/events?window=a', 'b', 'https://x.test/replay/'), '/api/sessions/1/events?window=b');
  assert.equal(eventsUrlOf('/api/sessions/1/events', 'b', 'https://x.test/replay/'), '/api/sessions/1/events?window=b');
});

test('joining live reads the tab shown from its last full snapshot', () => {
  assert.equal(fromLastSnapshot('/api/sessions/1/events?window=a', 'https://x.test/replay/'), '/api/sessions/1/events?window=a&start=last_snapshot');
  assert.equal(fromLastSnapshot('/api/sessions/1/events', 'https://x.test/replay/'), '/api/sessions/1/events?start=last_snapshot');
});
