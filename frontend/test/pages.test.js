// Page views (pages.js): one per load and per SPA navigation, with the title
// once it settles; re-fired and fix-up navigations make no extra view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_WAIT_MS, PageViews, SETTLE_MS, watchNavigations } from '../src/pages.js';

function page(url = 'https://site.example/', title = 'Home') {
  const state = { url, title, timers: new Map(), next: 1, views: /** @type {any[]} */ ([]) };
  const views = new PageViews((v) => state.views.push(v), {
    url: () => state.url,
    title: () => state.title,
    referrer: () => 'https://search.example/',
    setTimeout: (f) => {
      const id = state.next++;
      state.timers.set(id, f);
      return id;
    },
    clearTimeout: (id) => state.timers.delete(id),
  });
  /** Runs the pending timers, as SETTLE_MS passing would. */
  const settle = () => {
    const due = [...state.timers.values()];
    state.timers.clear();
    due.forEach((f) => f());
  };
  return { state, views, settle };
}

test('the load view carries the document referrer and the settled title', () => {
  const { state, views, settle } = page();
  views.loaded();
  state.title = 'Home · Shop'; // set by the app just after load
  settle();
  assert.deepEqual(state.views, []);
  settle();
  assert.deepEqual(state.views, [
    { url: 'https://site.example/', title: 'Home · Shop', referrer: 'https://search.example/', nav: 'load' },
  ]);
});

test('a pushState view waits for its title and names the previous URL as referrer', () => {
  const { state, views, settle } = page();
  views.loaded();
  settle();
  state.url = 'https://site.example/cart';
  views.navigated('push');
  state.title = 'Cart';
  settle();
  settle();
  assert.deepEqual(state.views[1], {
    url: 'https://site.example/cart',
    title: 'Cart',
    referrer: 'https://site.example/',
    nav: 'push',
  });
});

test('a title that never settles is sent after MAX_WAIT_MS', () => {
  const { state, views, settle } = page();
  views.loaded();
  for (let i = 0; i <= MAX_WAIT_MS / SETTLE_MS + 1 && !state.views.length; i++) {
    state.title = `tick ${i}`;
    settle();
  }
  assert.equal(state.views.length, 1);
});

test('a router fix-up (replaceState right after pushState) is the same view', () => {
  const { state, views, settle } = page();
  views.loaded();
  settle();
  state.url = 'https://site.example/p/1';
  views.navigated('push');
  state.url = 'https://site.example/p/1/';
  views.navigated('replace');
  settle();
  assert.deepEqual(
    state.views.map((v) => [v.nav, v.url]),
    [
      ['load', 'https://site.example/'],
      ['push', 'https://site.example/p/1/'],
    ],
  );
});

test('a hash link (popstate then hashchange) is one "hash" view; same-URL replaceState is none', () => {
  const { state, views, settle } = page();
  views.loaded();
  settle();
  state.url = 'https://site.example/#faq';
  views.navigated('pop');
  views.navigated('hash');
  settle();
  views.navigated('replace'); // same URL: state only
  settle();
  assert.deepEqual(
    state.views.map((v) => v.nav),
    ['load', 'hash'],
  );
});

test('a second navigation sends the pending view first', () => {
  const { state, views, settle } = page();
  views.loaded();
  settle();
  state.url = 'https://site.example/a';
  views.navigated('push');
  state.url = 'https://site.example/b';
  views.navigated('push');
  settle();
  assert.deepEqual(
    state.views.map((v) => [v.url, v.referrer]),
    [
      ['https://site.example/', 'https://search.example/'],
      ['https://site.example/a', 'https://site.example/'],
      ['https://site.example/b', 'https://site.example/a'],
    ],
  );
});

test('watchNavigations calls the original history methods and reports after them', () => {
  const calls = [];
  const listeners = {};
  const win = {
    history: {
      pushState(...args) {
        calls.push(['push', ...args]);
        return 'ret';
      },
      replaceState(...args) {
        calls.push(['replace', ...args]);
      },
    },
    addEventListener: (type, fn) => (listeners[type] = fn),
  };
  const navs = [];
  watchNavigations(/** @type {any} */ (win), (nav) => {
    navs.push([nav, calls.length]);
    throw new Error('never reaches the page');
  });
  assert.equal(win.history.pushState({ a: 1 }, '', '/x'), 'ret');
  win.history.replaceState(null, '', '/y');
  listeners.popstate();
  listeners.hashchange();
  assert.deepEqual(calls, [
    ['push', { a: 1 }, '', '/x'],
    ['replace', null, '', '/y'],
  ]);
  assert.deepEqual(navs, [
    ['push', 1],
    ['replace', 2],
    ['pop', 2],
    ['hash', 2],
  ]);
});
