import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAP_NOTICE, watchConsole } from '../src/telemetry/console.js';
import { serialize } from '../src/telemetry/serialize.js';

/** A console whose methods only remember their calls (and `this`). */
function fakeConsole() {
  const calls = [];
  const con = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'assert', 'dir', 'table', 'group', 'groupCollapsed', 'count', 'timeLog']) {
    con[level] = function (...args) {
      calls.push({ level, args, self: this });
      return 'original result';
    };
  }
  return { con, calls };
}

const opts = { maxRecords: 1000, maxChars: 5000, patterns: [] };

function watched(o = opts) {
  const { con, calls } = fakeConsole();
  const records = [];
  const w = watchConsole(con, o, (r) => records.push(r));
  return { con, calls, records, w };
}

test('each level is recorded and the original still runs with its own this and result', () => {
  const { con, calls, records, w } = watched();
  assert.equal(con.info('hi', 1, { a: [1, 'x'] }), 'original result');
  assert.equal(calls[0].self, con);
  assert.deepEqual(calls[0].args, ['hi', 1, { a: [1, 'x'] }]);
  assert.deepEqual(records[0], { level: 'info', payload: ['hi', '1', '{"a": [1, "x"]}'], trace: [] });
  con.error('bad');
  assert.equal(records[1].level, 'error');
  assert.ok(records[1].trace.length > 0, 'error has a stack');
  assert.ok(records[1].trace[0].includes('telemetry-console.test.js'), 'starting at the caller: ' + records[1].trace[0]);
  con.assert(true, 'fine');
  con.assert(false, 'broken');
  assert.deepEqual(records.slice(2).map((r) => [r.level, r.payload]), [['assert', ['broken']]]);
  w.stop();
  con.log('after stop');
  assert.equal(records.length, 3);
  assert.equal(calls.length, 5);
});

test('a 100 KB argument is cut to 5,000 characters', () => {
  const { con, records, calls } = watched();
  const big = 'x'.repeat(100_000);
  con.log(big, { big });
  assert.equal(records[0].payload[0], 'x'.repeat(5000) + '…');
  assert.equal(records[0].payload[1].length, 5001);
  assert.equal(calls[0].args[0].length, 100_000, 'the page still logs it whole');
});

test('10,000 lines stay at the page cap, plus one cap notice; a navigation starts a new count', () => {
  const { con, records, w } = watched({ ...opts, maxRecords: 1000 });
  for (let i = 0; i < 10_000; i++) con.log('line', i);
  assert.equal(records.length, 1001);
  assert.deepEqual(records[1000], { level: 'warn', payload: [CAP_NOTICE], trace: [] });
  w.navigated();
  con.log('next page');
  assert.equal(records.length, 1002);
});

test('DOM nodes are described by tag, id and classes, never their HTML or values', () => {
  const input = { nodeType: 1, nodeName: 'INPUT', tagName: 'INPUT', id: 'card', className: 'a  b', value: '4111 1111 1111 1111', outerHTML: '<input value="secret">' };
  const text = { nodeType: 3, nodeName: '#text', textContent: 'secret text' };
  const { con, records } = watched();
  con.log(input, [text], { el: input });
  assert.deepEqual(records[0].payload, ['<input#card.a.b>', '[#text]', '{"el": <input#card.a.b>}']);
  assert.ok(!JSON.stringify(records).includes('secret'));
});

test('depth, key and cycle limits; getters that throw; text scrubbed', () => {
  const deep = { a: { b: { c: { d: { e: 1 } } } } };
  assert.equal(serialize(deep, 5000), '{"a": {"b": {"c": {"d": [Object]}}}}');
  const wide = Object.fromEntries(Array.from({ length: 60 }, (_, i) => ['k' + i, i]));
  assert.ok(serialize(wide, 5000).endsWith('"k49": 49, …}'));
  const cyc = { name: 'x' };
  cyc.self = cyc;
  assert.equal(serialize(cyc, 5000), '{"name": "x", "self": [Circular]}');
  const bad = { get boom() { throw new Error('no'); } };
  assert.equal(serialize(bad, 5000), '{"boom": [Thrown]}');
  assert.equal(serialize(Array(1e6).fill(0), 5000).length < 200, true);
  const { con, records } = watched();
  con.log('mail ann@example.com, card 4111 1111 1111 1111');
  assert.equal(records[0].payload[0], 'mail [email], card [card]');
});

test('a console call made while one is recorded is not recorded again, and nothing throws into the page', () => {
  const { con, records, calls } = watched();
  const sneaky = { get x() { con.warn('from a getter'); return 1; } };
  con.log(sneaky);
  assert.equal(records.length, 1);
  assert.equal(calls.length, 2, 'both reached the real console');
  const { con: con2, calls: calls2 } = fakeConsole();
  watchConsole(con2, opts, () => {
    throw new Error('recorder broke');
  });
  assert.equal(con2.log('still fine'), 'original result');
  assert.equal(calls2.length, 1);
});

test('a console is wrapped once however often recording starts', () => {
  const { con } = fakeConsole();
  const wrapper = (watchConsole(con, opts, () => {}).stop(), con.log);
  const records = [];
  watchConsole(con, opts, (r) => records.push(r));
  assert.equal(con.log, wrapper);
  con.log('x');
  assert.equal(records.length, 1);
});

test('an Error argument is its stack once (V8 stacks start with name and message)', () => {
  const e = new Error('boom');
  assert.equal(serialize(e, 5000), e.stack);
  const bare = new Error('bare');
  bare.stack = 'f@app.js:1:2';
  assert.equal(serialize(bare, 5000), 'Error: bare\nf@app.js:1:2');
  assert.equal(serialize({ e }, 5000), '{"e": Error: boom}');
});
