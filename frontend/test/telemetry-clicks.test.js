// Clicks and focus: what a record says of its element, masked as the page is;
// and the dead clicks and thrashing the recorder watches for (signals.js).
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLICK, FOCUS, MAX_RECORDS, describeClick, describeFocus, watchInteractions } from '../src/telemetry/clicks.js';
import { startTelemetry } from '../src/telemetry/index.js';
import { MAX_SIGNALS, SIGNAL, isReaction, watchSignals } from '../src/telemetry/signals.js';
import { maskingOptions, WORD_MASK } from '../src/masking.js';
import { blockSelector } from '../src/options.js';
import { recorderConfig } from '../src/config.js';
import { serverConfig } from './fakes.js';

// A small DOM: elements and text nodes, with matches()/closest() for the
// selectors the recorder uses (tags, *, .class, #id, [attr=value], [attr="value" i], lists).
function matchesOne(el, sel) {
  const m = /^([a-z*]+)?((?:\.[\w-]+|#[\w-]+|\[[^\]]+\])*)$/i.exec(sel.trim());
  if (!m) throw new SyntaxError(sel);
  if (m[1] && m[1] !== '*' && m[1].toUpperCase() !== el.tagName) return false;
  for (const part of m[2].match(/\.[\w-]+|#[\w-]+|\[[^\]]+\]/g) || []) {
    if (part[0] === '.' && !el.classList.includes(part.slice(1))) return false;
    if (part[0] === '#' && el.id !== part.slice(1)) return false;
    if (part[0] === '[') {
      const [, name, value, i] = /^\[([\w-]+)(?:=["']?([^"'\]\s]*)["']?)?\s*(i)?\]$/.exec(part);
      const v = el.getAttribute(name);
      if (v === null || (value !== undefined && (i ? v.toLowerCase() !== value.toLowerCase() : v !== value))) return false;
    }
  }
  return true;
}

class El {
  constructor(tag, attrs = {}, children = []) {
    this.nodeType = 1;
    this.tagName = tag.toUpperCase();
    this.attrs = attrs;
    this.id = attrs.id || '';
    this.classList = (attrs.class || '').split(' ').filter(Boolean);
    if (tag === 'input') this.type = (attrs.type || 'text').toLowerCase();
    if (tag === 'select') this.type = 'select-one';
    if (tag === 'textarea') this.type = 'textarea';
    if ('value' in attrs) this.value = attrs.value;
    this.isContentEditable = attrs.contenteditable === 'true';
    this.parentElement = null;
    this.nextSibling = null;
    this.firstChild = null;
    let prev = null;
    for (const c of children) {
      const node = typeof c === 'string' ? { nodeType: 3, nodeValue: c, nextSibling: null } : c;
      node.parentElement = this;
      if (prev) prev.nextSibling = node;
      else this.firstChild = node;
      prev = node;
    }
  }
  getAttribute(n) {
    return n in this.attrs ? String(this.attrs[n]) : null;
  }
  matches(sel) {
    return sel.split(',').some((s) => matchesOne(this, s));
  }
  closest(sel) {
    for (let e = this; e; e = e.parentElement) if (e.matches(sel)) return e;
    return null;
  }
}
const h = (tag, attrs, ...children) => new El(tag, attrs, children);

const cfg = recorderConfig(serverConfig()); // balanced, the default
const masking = (c = cfg) => maskingOptions(c.privacy, c.maskTextSelector, blockSelector(c), c.maskClass);
const balanced = masking();
const strict = masking(recorderConfig({ ...serverConfig(), privacy: { mode: 'strict', patterns: [] } }));
const relaxed = masking(recorderConfig({ ...serverConfig(), privacy: { mode: 'relaxed', patterns: [] }, blockSelector: '.secret' }));

test('a button: its tag, id, first three classes and text', () => {
  const b = h('button', { id: 'buy', class: 'btn btn-primary big extra' }, '  Buy\n   now ');
  assert.deepEqual(describeClick(balanced, b, 10, 20), { tag: 'button', id: 'buy', classes: ['btn', 'btn-primary', 'big'], text: 'Buy now', x: 10, y: 20 });
});

test('a span inside a link: the link is described, with all its text', () => {
  const span = h('span', { class: 'icon' }, 'Products');
  const a = h('a', { href: '/products/', class: 'nav' }, span, ' and more');
  h('nav', {}, a);
  assert.deepEqual(describeClick(relaxed, span, 1, 2), { tag: 'a', id: '', classes: ['nav'], text: 'Products and more', x: 1, y: 2 });
  const plain = h('div', { id: 'box' }, 'Plain');
  assert.equal(describeClick(relaxed, plain, 0, 0).tag, 'div', 'no interactive ancestor: the target itself');
});

test("an input is described by its type, never its value; a select or textarea's content is not read", () => {
  for (const mode of [strict, balanced, relaxed]) {
    const input = h('input', { type: 'submit', id: 'go', value: 'CANARY-VALUE' });
    assert.deepEqual(describeClick(mode, input, 0, 0), { tag: 'input', id: 'go', classes: [], text: 'submit', x: 0, y: 0 });
    const email = h('input', { type: 'email', value: 'ann@example.com' });
    assert.equal(describeClick(mode, email, 0, 0).text, 'email');
    const area = h('textarea', {}, 'CANARY typed');
    assert.equal(describeClick(mode, area, 0, 0).text, 'textarea');
    const label = h('label', {}, 'Country ', h('select', {}, h('option', {}, 'CANARY-OPTION')));
    assert.equal(describeClick(mode, label, 0, 0).text, mode === strict ? WORD_MASK : 'Country');
  }
});

test('strict masks every word; balanced masks digits and e-mail addresses', () => {
  const b = h('button', {}, 'Pay order 4111 for ann@example.com');
  assert.equal(describeClick(strict, b, 0, 0).text, Array(5).fill(WORD_MASK).join(' '));
  assert.equal(describeClick(balanced, b, 0, 0).text, `Pay order ${WORD_MASK} for ${WORD_MASK}`);
  assert.equal(describeClick(relaxed, b, 0, 0).text, 'Pay order 4111 for ann@example.com');
});

test("inside the server's mask class the text is masked whole, in every mode", () => {
  for (const mode of [strict, balanced, relaxed]) {
    const b = h('button', {}, 'Hello ', h('span', { class: 'session-replay-mask' }, 'Ann Lee'));
    assert.equal(describeClick(mode, b, 0, 0).text, mode === strict ? `${WORD_MASK} ${WORD_MASK} ${WORD_MASK}` : `Hello ${WORD_MASK} ${WORD_MASK}`);
    const whole = h('button', {}, 'Ann Lee');
    h('div', { class: 'session-replay-mask' }, whole);
    assert.equal(describeClick(mode, whole, 0, 0).text, `${WORD_MASK} ${WORD_MASK}`);
  }
});

test('inside a blocked element: no text, no id, no class; a blocked child is left out of the text', () => {
  const b = h('button', { id: 'secret-btn', class: 'x' }, 'Ann Lee');
  h('div', { class: 'secret' }, b);
  assert.deepEqual(describeClick(relaxed, b, 5, 6), { tag: 'button', id: '', classes: [], text: '', x: 5, y: 6 });
  const rr = h('a', { id: 'r' }, 'CANARY');
  h('section', { class: 'rr-block' }, rr);
  assert.equal(describeClick(relaxed, rr, 0, 0).text, '');
  const mixed = h('button', {}, 'Open ', h('span', { class: 'secret' }, 'CANARY'), 'file');
  assert.equal(describeClick(relaxed, mixed, 0, 0).text, 'Open file');
  const editable = h('div', { contenteditable: 'true', role: 'button' }, 'typed CANARY');
  assert.equal(describeClick(relaxed, editable, 0, 0).text, '');
});

test('text is cut to 80 characters after masking', () => {
  const b = h('button', {}, 'word '.repeat(40));
  const t = describeClick(relaxed, b, 0, 0).text;
  assert.equal(t.length, 80);
  assert.ok(t.startsWith('word word'));
});

test('focus: tag, id, name and type, never the value', () => {
  const input = h('input', { type: 'email', id: 'e', name: 'email', value: 'ann@example.com' });
  const r = describeFocus(balanced, input);
  assert.deepEqual(r, { tag: 'input', id: 'e', name: 'email', type: 'email' });
  assert.ok(!JSON.stringify(r).includes('ann@'));
  const hidden = h('input', { type: 'password', id: 'p', name: 'card' });
  h('form', { class: 'secret' }, hidden);
  assert.deepEqual(describeFocus(relaxed, hidden), { tag: 'input', id: '', name: '', type: 'password' });
});

/** A document that keeps its listeners so the test can fire them. */
function fakeWindow() {
  const listeners = [];
  const document = {
    addEventListener: (type, f, capture) => listeners.push({ type, f, capture }),
    removeEventListener(type, f) {
      const i = listeners.findIndex((l) => l.type === type && l.f === f);
      if (i >= 0) listeners.splice(i, 1);
    },
  };
  const fire = (type, e) => {
    for (const l of listeners.filter((l) => l.type === type)) l.f(e);
  };
  return { listeners, document, fire, location: { href: 'https://site.example/' } };
}

test('the listeners: capture phase, focus of form fields only, capped per page view, removed on stop', () => {
  const win = fakeWindow();
  const clicks = [];
  const focuses = [];
  const w = watchInteractions(win, relaxed, (r) => clicks.push(r), (r) => focuses.push(r));
  assert.deepEqual(win.listeners.map((l) => [l.type, l.capture]), [['click', true], ['focusin', true]]);
  const b = h('button', {}, 'Go');
  win.fire('click', { target: b, clientX: 3.6, clientY: 4.2 });
  win.fire('click', { target: null });
  win.fire('click', { target: { nodeType: 1, tagName: 'DIV', closest() { throw new Error('odd'); }, get firstChild() { throw new Error('odder'); } } });
  win.fire('focusin', { target: h('button', {}, 'not a field') });
  win.fire('focusin', { target: h('select', { name: 'country' }) });
  assert.deepEqual(clicks, [{ tag: 'button', id: '', classes: [], text: 'Go', x: 4, y: 4 }]);
  assert.deepEqual(focuses, [{ tag: 'select', id: '', name: 'country', type: 'select-one' }]);
  for (let i = 0; i < MAX_RECORDS + 50; i++) win.fire('click', { target: b, clientX: 0, clientY: 0 });
  assert.equal(clicks.length, MAX_RECORDS - 1, 'the odd target counted (it sent nothing), then the cap');
  w.navigated();
  win.fire('click', { target: b, clientX: 0, clientY: 0 });
  assert.equal(clicks.length, MAX_RECORDS);
  w.stop();
  assert.equal(win.listeners.length, 0);
});

test('config and wiring: on unless the server turns it off; plugin events handed to emit', () => {
  const { interactions, ...older } = serverConfig();
  assert.deepEqual(recorderConfig(older).interactions, { enabled: true, signals: null }, 'absent: on, watching no signals');
  assert.equal(recorderConfig({ ...older, interactions: { enabled: false } }).interactions, null);
  const off = { console: { enabled: false }, errors: { enabled: false }, network: { enabled: false }, performance: { enabled: false } };
  const win = fakeWindow();
  const events = [];
  const strictCfg = recorderConfig({ ...serverConfig(), ...off, privacy: { mode: 'strict', patterns: [] } });
  const t = startTelemetry(strictCfg, (e) => events.push(e), [], win);
  win.fire('click', { target: h('button', { id: 'b' }, 'Pay now'), clientX: 1, clientY: 2 });
  win.fire('focusin', { target: h('input', { name: 'q', value: 'CANARY' }) });
  assert.deepEqual(
    events.map((e) => [e.type, e.data.plugin, e.data.payload]),
    [
      [6, CLICK, { tag: 'button', id: 'b', classes: [], text: `${WORD_MASK} ${WORD_MASK}`, x: 1, y: 2 }],
      [6, FOCUS, { tag: 'input', id: '', name: 'q', type: 'text' }],
    ],
  );
  t.stop();
  assert.equal(win.listeners.length, 0);
  const none = startTelemetry(recorderConfig({ ...serverConfig(), ...off, interactions: { enabled: false } }), () => {}, [], win);
  assert.equal(win.listeners.length, 0);
  none.stop();
});

const SIGNALS = { deadClickMs: 2500, thrashingChanges: 8, thrashingWindowMs: 2000 };
const describeTarget = (el, x, y) => ({ tag: el.tagName.toLowerCase(), id: el.id, classes: [], text: '', x, y });

/** Runs `body` with setTimeout and Date under the test's control. */
function withClock(body) {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_700_000_000_000 });
  try {
    body(mock.timers);
  } finally {
    mock.timers.reset();
  }
}

test('a click on a button with no reaction for 2.5 s is a dead click; a reaction, a heading or a text field is not', () => {
  withClock((clock) => {
    const win = fakeWindow();
    const sent = [];
    const w = watchSignals(win, SIGNALS, describeTarget, (p) => sent.push(p));
    const button = h('button', { id: 'noop' }, 'Does nothing');
    const inner = h('span', {}, 'Pay');
    h('a', { href: '/pay/', id: 'pay' }, inner);
    win.fire('click', { target: button, clientX: 5, clientY: 6 });
    clock.tick(2499);
    assert.equal(sent.length, 0);
    clock.tick(1);
    assert.deepEqual(sent, [{ kind: 'dead_click', at: 1_700_000_000_000, tag: 'button', id: 'noop', classes: [], text: '', x: 5, y: 6 }]);
    // A mutation after the click: the page reacted.
    win.fire('click', { target: inner, clientX: 1, clientY: 1 });
    clock.tick(300);
    w.saw({ type: 3, timestamp: Date.now(), data: { source: 0 } });
    // A mouse move is no reaction; a request started is one.
    win.fire('click', { target: button, clientX: 1, clientY: 1 });
    w.saw({ type: 3, timestamp: Date.now(), data: { source: 1 } });
    w.reacted();
    // Not clickable as a control: a heading, a text field.
    win.fire('click', { target: h('h1', {}, 'Title') });
    win.fire('click', { target: h('input', { type: 'text' }) });
    clock.tick(5000);
    assert.equal(sent.length, 1);
    // A reaction stamped before the click does not answer it.
    win.fire('click', { target: button, clientX: 2, clientY: 2 });
    w.saw({ type: 3, timestamp: Date.now() - 10, data: { source: 0 } });
    clock.tick(2500);
    assert.equal(sent.length, 2);
    // A navigation answers every click waiting, and the watch stops with the recording.
    win.fire('click', { target: button });
    w.navigated();
    clock.tick(2500);
    win.fire('click', { target: button });
    w.stop();
    clock.tick(2500);
    assert.equal(sent.length, 2);
    assert.equal(win.listeners.length, 0);
  });
});

test('what counts as the page reacting', () => {
  for (const source of [0, 3, 5]) assert.ok(isReaction({ type: 3, data: { source } }), `source ${source}`);
  for (const source of [1, 2, 4, 6]) assert.ok(!isReaction({ type: 3, data: { source } }), `source ${source}`);
  assert.ok(isReaction({ type: 4, data: {} }));
  assert.ok(isReaction({ type: 6, data: { plugin: 'rrweb/network@1' } }));
  assert.ok(!isReaction({ type: 6, data: { plugin: 'rrweb/console@1' } }));
  assert.ok(!isReaction({ type: 5, data: { tag: 'x' } }));
});

test('a cursor reversing 8 times within 2 s is thrashing, once per spell; slow or small moves are not', () => {
  withClock((clock) => {
    const win = fakeWindow();
    const sent = [];
    const w = watchSignals(win, SIGNALS, describeTarget, (p) => sent.push(p));
    const move = (x, y = 100) => win.fire('mousemove', { clientX: x, clientY: y });
    // Slow sweeps: a reversal every 600 ms never makes 8 within 2 s.
    for (let i = 0; i < 12; i++) {
      move(i % 2 ? 300 : 100);
      clock.tick(600);
    }
    // Jitter under 4 px is no direction at all.
    for (let i = 0; i < 40; i++) {
      move(100 + (i % 2) * 3);
      clock.tick(20);
    }
    assert.equal(sent.length, 0);
    clock.tick(2500); // the slow sweeps' reversals fall out of the window
    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      move(i % 2 ? 400 : 200, 150);
      clock.tick(50);
    }
    assert.equal(sent.length, 1, JSON.stringify(sent));
    assert.equal(sent[0].kind, 'thrashing');
    assert.equal(sent[0].changes, 8);
    assert.ok(sent[0].at >= started && sent[0].at < started + 500, String(sent[0].at - started));
    clock.tick(2500);
    for (let i = 0; i < 30; i++) {
      move(i % 2 ? 400 : 200, 150);
      clock.tick(50);
    }
    assert.equal(sent.length, 2, 'a new spell after the quiet window');
    w.stop();
  });
});

test('signals are capped per page view', () => {
  withClock((clock) => {
    const win = fakeWindow();
    const sent = [];
    const w = watchSignals(win, SIGNALS, describeTarget, (p) => sent.push(p));
    const button = h('button', {}, 'x');
    for (let i = 0; i < MAX_SIGNALS + 20; i++) win.fire('click', { target: button });
    clock.tick(2500);
    assert.equal(sent.length, MAX_SIGNALS);
    w.navigated();
    win.fire('click', { target: button });
    clock.tick(2500);
    assert.equal(sent.length, MAX_SIGNALS + 1);
    w.stop();
  });
});

test('startTelemetry passes every event to the dead-click watch and emits signal@1 records', () => {
  withClock((clock) => {
    const off = { console: { enabled: false }, errors: { enabled: false }, network: { enabled: false }, performance: { enabled: false } };
    const win = fakeWindow();
    const events = [];
    const t = startTelemetry(recorderConfig({ ...serverConfig(), ...off }), (e) => events.push(e), [], win);
    const button = h('button', { id: 'b' }, 'Go');
    win.fire('click', { target: button, clientX: 1, clientY: 2 });
    t.saw({ type: 3, timestamp: Date.now(), data: { source: 0 } });
    win.fire('click', { target: button, clientX: 1, clientY: 2 });
    clock.tick(2500);
    const signals = events.filter((e) => e.data.plugin === SIGNAL);
    assert.equal(signals.length, 1);
    assert.equal(signals[0].data.payload.kind, 'dead_click');
    assert.equal(signals[0].data.payload.id, 'b');
    t.stop();
  });
});
