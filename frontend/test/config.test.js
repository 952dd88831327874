import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recorderConfig, protocolConfig, wsUrl } from '../src/config.js';
import { serverConfig } from './fakes.js';

test('the rendered config is taken as the server wrote it', () => {
  const raw = serverConfig();
  const cfg = recorderConfig(raw);
  assert.equal(cfg.v, raw.v);
  assert.equal(cfg.maxFrameBytes, raw.maxFrameBytes);
  assert.equal(cfg.idleTimeoutMs, raw.idleTimeoutMs);
  assert.deepEqual(cfg.protocol.fatal, raw.protocol.fatal);
  assert.deepEqual(cfg.protocol.refused, raw.protocol.refused);
  assert.equal(cfg.protocol.sessionFull, raw.protocol.sessionFull);
  assert.deepEqual(cfg.protocol.pace, raw.protocol.pace);
  assert.ok(cfg.protocol.idRule.test('a-Z_9'));
  assert.ok(!cfg.protocol.idRule.test('a'.repeat(65)));
});

test('other server values pass through, not defaults', () => {
  const raw = { ...serverConfig(), v: 2, maxFrameBytes: 4096, flushIntervalMs: 50 };
  raw.protocol = { ...raw.protocol, fatal: [4999], pace: { frames: 1, bytes: 10 } };
  const cfg = recorderConfig(raw);
  assert.equal(cfg.v, 2);
  assert.equal(cfg.maxFrameBytes, 4096);
  assert.equal(cfg.flushIntervalMs, 50);
  assert.deepEqual(cfg.protocol.fatal, [4999]);
  assert.deepEqual(cfg.protocol.pace, { frames: 1, bytes: 10 });
});

test('no config, or one without a usable protocol block: the recorder does nothing', () => {
  assert.equal(recorderConfig(null), null);
  const { protocol, ...flat } = serverConfig();
  assert.equal(recorderConfig(flat), null, "today's flat keys alone are not enough");
  const broken = [
    { fatal: 'x' },
    { refused: [4000, 'a'] },
    { sessionFull: null },
    { idPattern: '([' },
    { idPattern: undefined },
    { pace: { frames: 0, bytes: 1 } },
    { pace: null },
  ];
  for (const change of broken) {
    assert.equal(protocolConfig({ ...protocol, ...change }), null, JSON.stringify(change));
  }
});

test('a config missing a limit is refused rather than guessed', () => {
  for (const key of ['v', 'maxFrameBytes', 'maxBufferBytes', 'idleTimeoutMs', 'maxDurationMs', 'flushBytes']) {
    const raw = serverConfig();
    delete raw[key];
    assert.equal(recorderConfig(raw), null, key);
  }
  assert.equal(recorderConfig({ ...serverConfig(), ws: null }), null);
  assert.equal(recorderConfig({ ...serverConfig(), sampleRate: '1' }), null);
});

test('masking stays on unless turned off explicitly; empty selectors mean none', () => {
  const { maskAllInputs, ...rest } = serverConfig();
  assert.equal(recorderConfig(rest).maskAllInputs, true);
  assert.equal(recorderConfig({ ...rest, maskAllInputs: false }).maskAllInputs, false);
  const cfg = recorderConfig({ ...serverConfig(), maskTextSelector: '', blockSelector: '.secret', checkoutEveryNms: 0 });
  assert.equal(cfg.maskTextSelector, null);
  assert.equal(cfg.blockSelector, '.secret');
  assert.equal(cfg.checkoutEveryNms, null);
});

test('ws URLs follow the page: wss on https, paths resolved against it', () => {
  assert.equal(wsUrl('/ws/x/', 'https://site.example/page'), 'wss://site.example/ws/x/');
  assert.equal(wsUrl('/ws/x/', 'http://localhost:8000/'), 'ws://localhost:8000/ws/x/');
  assert.equal(wsUrl('https://ingest.example/ws/', 'http://site.example/'), 'wss://ingest.example/ws/');
  assert.equal(wsUrl('ws://ingest.example/ws/', 'https://site.example/'), 'ws://ingest.example/ws/');
});
