// rrweb's record options from the server's config (options.js, config.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recorderConfig } from '../src/config.js';
import { recordOptions } from '../src/options.js';
import { serverConfig } from './fakes.js';

test('canvas and cross-origin frames are off with the default config', () => {
  const cfg = /** @type {any} */ (recorderConfig(serverConfig()));
  const o = recordOptions(cfg, () => {});
  assert.equal(o.recordCanvas, false);
  assert.deepEqual(o.sampling, {});
  assert.equal(o.recordCrossOriginIframes, false);
  assert.deepEqual(o.maskInputOptions, { password: true });
  assert.equal(cfg.pageEventTag, 'session-replay-page');
});

test('canvas on: sampled frames at the server-given rate and quality', () => {
  const cfg = /** @type {any} */ (recorderConfig({ ...serverConfig(), recordCanvas: true, recordCrossOriginIframes: true }));
  const o = recordOptions(cfg, undefined);
  assert.equal(o.recordCanvas, true);
  assert.deepEqual(o.sampling, { canvas: 2 });
  assert.deepEqual(o.dataURLOptions, { type: 'image/webp', quality: 0.4 });
  assert.equal(o.recordCrossOriginIframes, true);
  assert.equal(o.emit, undefined);
});

test('canvas stays off when its sampling block is unusable, or the flag is not exactly true', () => {
  const broken = recorderConfig({ ...serverConfig(), recordCanvas: true, canvas: { fps: 0 } });
  assert.equal(broken && broken.recordCanvas, false);
  const truthy = recorderConfig({ ...serverConfig(), recordCanvas: 1, recordCrossOriginIframes: 'yes' });
  assert.equal(truthy && truthy.recordCanvas, false);
  assert.equal(truthy && truthy.recordCrossOriginIframes, false);
});

test('fields Django knows are sensitive are blocked only when inputs are not all masked', () => {
  const sensitiveSelector = '[name="username"], [data-session-replay-mask]';
  const masked = recorderConfig({ ...serverConfig(), sensitiveSelector });
  assert.equal(recordOptions(/** @type {any} */ (masked), undefined).blockSelector, 'input[type="hidden" i]');
  const open = recorderConfig({ ...serverConfig(), maskAllInputs: false, sensitiveSelector });
  const o = recordOptions(/** @type {any} */ (open), undefined);
  assert.equal(o.blockSelector, `input[type="hidden" i], ${sensitiveSelector}`);
  assert.deepEqual(o.maskInputOptions, { password: true }); // passwords masked either way
});
