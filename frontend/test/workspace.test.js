import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventType, IncrementalSource } from '@rrweb/types';
import {
  clock,
  currentIndex,
  inactivePeriods,
  isMarker,
  linkAt,
  markerLevel,
  markerName,
  merged,
  noteEntry,
  pageAt,
  percent,
  startOffset,
  signedClock,
} from '../src/entries.js';
import { actionOf, typing } from '../src/keys.js';
import { bytes, consoleMatches, consoleRecords, networkRecords, requestKeys } from '../src/records.js';

/** @returns {import('../src/entries.js').Entry} */
const entry = (ts, kind, level = '', label = kind, detail = {}) => ({ ts, kind, window: 'w', label, level, detail });
const move = (ts) => ({ type: EventType.IncrementalSnapshot, timestamp: ts, data: { source: IncrementalSource.MouseMove } });
const mutation = (ts) => ({ type: EventType.IncrementalSnapshot, timestamp: ts, data: { source: IncrementalSource.Mutation } });
const plugin = (ts, name, payload) => ({ type: EventType.Plugin, timestamp: ts, data: { plugin: name, payload } });

test('the marked kinds, console messages and requests only when they failed', () => {
  for (const kind of ['click', 'rage_click', 'dead_click', 'error_click', 'js_error', 'page_view', 'custom', 'server_request', 'server_exception', 'note']) {
    assert.ok(isMarker(entry(0, kind)), kind);
  }
  assert.ok(isMarker(entry(0, 'console', 'error')));
  assert.ok(!isMarker(entry(0, 'console', 'warn')));
  assert.ok(isMarker(entry(0, 'network', 'error')));
  assert.ok(!isMarker(entry(0, 'network', 'warn'))); // slow, not failed
  for (const kind of ['web_vital', 'focus', 'identify', 'gap', 'page_leave', 'log']) assert.ok(!isMarker(entry(0, kind)), kind);
});

test('markers are coloured by level, then by kind', () => {
  assert.equal(markerLevel(entry(0, 'server_request', 'error')), 'error');
  assert.equal(markerLevel(entry(0, 'js_error')), 'error');
  assert.equal(markerLevel(entry(0, 'server_request', 'warning')), 'warn');
  assert.equal(markerLevel(entry(0, 'rage_click', '')), 'warn');
  assert.equal(markerLevel(entry(0, 'page_view')), 'nav');
  assert.equal(markerLevel(entry(0, 'note')), 'note');
  assert.equal(markerLevel(entry(0, 'click')), 'info');
});

test('the clock is m:ss, h:mm:ss past an hour, never negative', () => {
  assert.equal(clock(0), '0:00');
  assert.equal(clock(9_999), '0:09');
  assert.equal(clock(83_000), '1:23');
  assert.equal(clock(3_600_000 + 65_000), '1:01:05');
  assert.equal(clock(-5), '0:00');
});

test('a marker is named by kind, time from the start and label', () => {
  const labels = { js_error: 'JS error' };
  assert.equal(markerName(entry(1_065_000, 'js_error', 'error', 'TypeError: x'), 1_000_000, labels), 'JS error at 1:05: TypeError: x');
  assert.equal(markerName(entry(1_000_000, 'mystery', '', 'y'), 1_000_000, labels), 'mystery at 0:00: y');
});

test('the current entry is the last one at or before the time', () => {
  const entries = [entry(10, 'a'), entry(20, 'b'), entry(20, 'c'), entry(30, 'd')];
  assert.equal(currentIndex(entries, 5), -1);
  assert.equal(currentIndex(entries, 10), 0);
  assert.equal(currentIndex(entries, 25), 2);
  assert.equal(currentIndex(entries, 99), 3);
  assert.equal(currentIndex([], 99), -1);
});

test('the page at a time: the last view, the first before it, else a Meta href', () => {
  const views = [entry(100, 'page_view', '', 'Home', { url: 'http://x/' }), entry(200, 'page_view', '', 'Cart', { url: 'http://x/cart' })];
  assert.deepEqual(pageAt(views, 50), { url: 'http://x/', title: 'Home' });
  assert.deepEqual(pageAt(views, 150), { url: 'http://x/', title: 'Home' });
  assert.deepEqual(pageAt(views, 250), { url: 'http://x/cart', title: 'Cart' });
  const metas = [
    { type: EventType.Meta, timestamp: 10, data: { href: 'http://y/a', width: 1, height: 1 } },
    { type: EventType.Meta, timestamp: 90, data: { href: 'http://y/b', width: 1, height: 1 } },
  ];
  assert.deepEqual(pageAt([], 50, metas), { url: 'http://y/a', title: '' });
  assert.deepEqual(pageAt([], 95, metas), { url: 'http://y/b', title: '' });
  assert.equal(pageAt([], 95, []), null);
});

test('inactive periods: gaps of more than 10 s between user interactions, mutations do not count', () => {
  const events = [move(0), move(5_000), mutation(12_000), mutation(20_000), move(26_000), move(30_000), move(45_000)];
  assert.deepEqual(inactivePeriods(events), [
    [5_000, 26_000],
    [30_000, 45_000],
  ]);
  assert.deepEqual(inactivePeriods(events, 20_000), [[5_000, 26_000]]);
  assert.deepEqual(inactivePeriods([]), []);
});

test('?t= is a whole number of ms, anything else is ignored', () => {
  assert.equal(startOffset('?t=4500'), 4500);
  assert.equal(startOffset('?window=w&t=0'), 0);
  assert.equal(startOffset(''), null);
  assert.equal(startOffset('?t=-3'), null);
  assert.equal(startOffset('?t=1e3'), null);
  assert.equal(startOffset('?t=abc'), null);
});

test('the link at a moment keeps the page URL and its query, with t set', () => {
  assert.equal(linkAt('http://a/admin/x/replay/?window=w1#frag', 1234.6), 'http://a/admin/x/replay/?window=w1&t=1235');
  assert.equal(linkAt('http://a/replay/?t=5', 0), 'http://a/replay/?t=0');
  assert.equal(startOffset(new URL(linkAt('http://a/r/', 777)).search), 777);
});

test('per cent of the bar, clamped', () => {
  assert.equal(percent(150, 100, 200), 50);
  assert.equal(percent(50, 100, 200), 0);
  assert.equal(percent(500, 100, 200), 100);
  assert.equal(percent(100, 100, 100), 0); // a length of 0: no division by it
});

test('notes become entries, merged by time with the timeline, same times in order', () => {
  const note = noteEntry({ id: 3, ts: 20, window: 'w', text: 'look', author: 'ann' });
  assert.deepEqual(note, { ts: 20, kind: 'note', window: 'w', label: 'look', level: '', detail: { id: 3, author: 'ann' } });
  const out = merged([entry(10, 'a'), entry(20, 'b'), entry(30, 'c')], [note]);
  assert.deepEqual(out.map((e) => e.kind), ['a', 'b', 'note', 'c']);
});

test('console records from the plugin events; the filter by level and words', () => {
  const records = consoleRecords([
    plugin(5, 'rrweb/console@1', { level: 'log', payload: ['"hello"', '2'], trace: [] }),
    plugin(6, 'rrweb/network@1', { requests: [] }),
    plugin(7, 'rrweb/console@1', { level: 'error', payload: ['Boom'], trace: ['at f (a.js:1:2)'] }),
    move(8),
  ]);
  assert.deepEqual(records, [
    { ts: 5, level: 'log', text: '"hello" 2', trace: [] },
    { ts: 7, level: 'error', text: 'Boom', trace: ['at f (a.js:1:2)'] },
  ]);
  assert.ok(consoleMatches(records[0], '', ''));
  assert.ok(!consoleMatches(records[0], 'error', ''));
  assert.ok(consoleMatches(records[1], 'error', 'boo'));
  assert.ok(!consoleMatches(records[1], '', 'hello'));
});

test('network records: started on the page clock, failures, sizes', () => {
  const meta = { type: EventType.Meta, timestamp: 1000, data: { href: 'h', width: 1, height: 1 } };
  const records = networkRecords([
    meta,
    // Sent 5 ms after it ended: the page's clock started at 10_000 - 5 - 300.
    plugin(10_000, 'rrweb/network@1', { requests: [{ name: 'http://x/a', method: 'get', status: 200, startTime: 200, endTime: 300, duration: 100, transferSize: 2048 }] }),
    plugin(10_500, 'rrweb/network@1', { requests: [{ name: 'http://x/b', method: 'POST', status: 404, startTime: 250, endTime: 290, duration: 40 }] }),
    plugin(10_600, 'rrweb/network@1', { requests: [{ name: 'http://x/c', status: 0, failed: true, startTime: 700, duration: 5 }] }),
  ]);
  assert.deepEqual(records.map((r) => [r.url, r.ts, r.method, r.status, r.failed, r.size]), [
    ['http://x/a', 9_900, 'GET', 200, false, 2048],
    ['http://x/b', 9_950, 'POST', 404, true, null],
    ['http://x/c', 10_400, 'GET', null, true, null],
  ]);
  assert.equal(bytes(512), '512 B');
  assert.equal(bytes(2048), '2.0 KB');
  assert.equal(bytes(3 * 1024 * 1024), '3.0 MB');
  assert.equal(bytes(null), '—');
});

test('shortcut keys, and the keys that belong to the focused control', () => {
  const calls = [];
  const a = {
    toggle: () => calls.push('toggle'),
    skipBy: (d) => calls.push(`skip ${d}`),
    speedBy: (s) => calls.push(`speed ${s}`),
    toggleSkip: () => calls.push('skip-inactive'),
    toLive: () => calls.push('live'),
    shortcuts: () => calls.push('help'),
  };
  const body = { tagName: 'BODY' };
  for (const key of [' ', 'ArrowLeft', 'ArrowRight', '<', '>', 'i', 'l', '?']) {
    const act = actionOf({ key, target: body }, a);
    assert.ok(act, key);
    act();
  }
  assert.deepEqual(calls, ['toggle', 'skip -5000', 'skip 5000', 'speed -1', 'speed 1', 'skip-inactive', 'live', 'help']);
  assert.equal(actionOf({ key: 'x', target: body }, a), null);
  assert.equal(actionOf({ key: 'i', ctrlKey: true, target: body }, a), null);
  assert.ok(typing({ tagName: 'TEXTAREA' }, 'i'));
  assert.ok(typing({ tagName: 'INPUT', type: 'search' }, ' '));
  assert.ok(typing({ tagName: 'INPUT', type: 'range' }, 'ArrowLeft'));
  assert.ok(!typing({ tagName: 'INPUT', type: 'range' }, ' '));
  assert.ok(typing({ tagName: 'BUTTON' }, ' '));
  assert.ok(!typing({ tagName: 'BUTTON' }, 'ArrowLeft'));
  assert.ok(typing({ tagName: 'BUTTON', getAttribute: () => 'tab' }, 'ArrowLeft'));
  assert.equal(actionOf({ key: ' ', target: { tagName: 'SELECT' } }, a), null);
});

test("another tab's moment before the tab shown opened counts back on its clock", () => {
  assert.equal(signedClock(65_000), '1:05');
  assert.equal(signedClock(-5_000), '−0:05');
  assert.equal(signedClock(-400), '0:00'); // under a second before: its start
  assert.equal(markerName({ ts: 1000, kind: 'click', window: 'b', label: 'Pay', level: '', detail: {} }, 6000, { click: 'Click' }), 'Click at −0:05: Pay');
});

test('a request keeps its key when the list is read again with more requests', () => {
  const request = (ts, url, method = 'GET') => ({ ts, method, url, status: 200, duration: 1, size: 1, type: 'fetch', failed: false, raw: {} });
  const before = [request(10, '/a'), request(20, '/ping'), request(20, '/ping'), request(30, '/b', 'POST')];
  const after = [...before, request(40, '/ping'), request(20, '/ping')];
  const keys = requestKeys(before);
  assert.equal(new Set(keys).size, keys.length, 'two requests share a key');
  assert.deepEqual(requestKeys(after).slice(0, before.length), keys);
  // The same moment, method and URL: told apart by which of them it is.
  assert.notEqual(keys[1], keys[2]);
  assert.notEqual(requestKeys(after)[5], keys[2]);
  assert.notEqual(requestKeys([request(30, '/b', 'GET')])[0], keys[3]);
});
