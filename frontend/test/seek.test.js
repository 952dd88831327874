import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindSeekButtons, offsetOf } from '../src/seek.js';

// A document that hands its click listener clicks on stand-in buttons.
function page() {
  /** @type {(e: any) => void} */
  let listener = () => {};
  const doc = { addEventListener: (_type, fn) => (listener = fn) };
  const click = (attrs, tagName = 'BUTTON') => {
    const button = { tagName, getAttribute: (k) => (k in attrs ? attrs[k] : null) };
    const e = { target: { closest: () => button }, prevented: false, preventDefault() { this.prevented = true; } };
    listener(e);
    return e;
  };
  return { doc, click };
}

const player = (calls) => ({ goto: (offset, play) => calls.push(['goto', offset, play]), getReplayer: () => ({ getMetaData: () => ({ startTime: 1000 }) }) });

test('a button seeks the player shown, paused, never before its start', () => {
  const calls = [];
  const { doc, click } = page();
  bindSeekButtons(/** @type {any} */ (doc), () => player(calls));
  click({ 'data-session-replay-ts': '4500' });
  click({ 'data-session-replay-ts': '200' });
  assert.deepEqual(calls, [['goto', 3500, false], ['goto', 0, false]]);
  assert.equal(offsetOf(200, 1000), 0);
});

test("a tab's moment opens that tab in place; a link's navigation then does not happen", () => {
  const calls = [];
  const { doc, click } = page();
  let handled = true;
  bindSeekButtons(/** @type {any} */ (doc), () => player(calls), (win, ts) => (calls.push(['tab', win, ts]), handled));
  const e = click({ 'data-session-replay-ts': '4500', 'data-session-replay-window': 'b' }, 'A');
  assert.equal(e.prevented, true);
  assert.deepEqual(calls, [['tab', 'b', 4500]]);
  // Not possible (no such tab): a button seeks the tab shown, a link navigates.
  handled = false;
  calls.length = 0;
  click({ 'data-session-replay-ts': '4500', 'data-session-replay-window': 'b' });
  const link = click({ 'data-session-replay-ts': '4500', 'data-session-replay-window': 'b' }, 'A');
  assert.equal(link.prevented, false);
  assert.deepEqual(calls, [['tab', 'b', 4500], ['goto', 3500, false], ['tab', 'b', 4500]]);
});
