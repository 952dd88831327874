import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlugins, PLUGINS } from '../src/plugins.js';

const registry = () =>
  new Map([
    ['console', (options) => ({ name: 'rrweb/console@1', options })],
    ['broken', () => {
      throw new Error('cannot start');
    }],
  ]);

test('names and {name, options} entries make plugins, in config order', () => {
  const plugins = buildPlugins(['console', { name: 'console', options: { level: ['error'] } }], registry());
  assert.deepEqual(plugins, [
    { name: 'rrweb/console@1', options: {} },
    { name: 'rrweb/console@1', options: { level: ['error'] } },
  ]);
});

test('unknown names, odd entries and failing factories are left out', () => {
  const plugins = buildPlugins(
    ['network', 'toString', '__proto__', null, 7, { options: {} }, { name: 'console', options: 'x' }, 'broken'],
    registry(),
  );
  assert.deepEqual(plugins, [{ name: 'rrweb/console@1', options: {} }]);
});

test('no list, no plugins', () => {
  assert.deepEqual(buildPlugins(undefined, registry()), []);
  assert.deepEqual(buildPlugins({ console: true }, registry()), []);
});

test('the built-in registry is empty for now, so every name is ignored', () => {
  assert.equal(PLUGINS.size, 0);
  assert.deepEqual(buildPlugins(['console', 'network']), []);
});
