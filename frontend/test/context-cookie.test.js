import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContextCookie } from '../src/context-cookie.js';
import { recorderConfig } from '../src/config.js';
import { cookieJar, serverConfig } from './fakes.js';

const CTX = '0b6f3c1e-5b0e-4c47-9a53-1f8f7f1e2a10:win-1:Xk3f-9_abcDEF';

test('set on a welcome with ctx once recording, with its attributes; not before recording', () => {
  const doc = cookieJar();
  const c = new ContextCookie(doc, 'sr_ctx', 1800, false);
  c.welcomed(CTX, 0);
  assert.deepEqual(doc.writes, [], 'welcomed before recording started (batches of an earlier page): nothing');
  c.started(10);
  assert.deepEqual(doc.writes, [`sr_ctx=${CTX}; max-age=1800; path=/; SameSite=Lax`]);
  c.welcomed(CTX.replace('win-1', 'win-1b'), 20); // a reconnect, or a new session
  assert.equal(doc.jar.get('sr_ctx').value, CTX.replace('win-1', 'win-1b'));
  assert.equal(doc.writes.length, 2);
});

test('Secure on https', () => {
  const doc = cookieJar();
  const c = new ContextCookie(doc, 'ctx', 60, true);
  c.started(0);
  c.welcomed(CTX, 0);
  assert.deepEqual(doc.writes, [`ctx=${CTX}; max-age=60; path=/; SameSite=Lax; Secure`]);
});

test('no ctx (an older server), or one that is no cookie value: nothing set', () => {
  const doc = cookieJar();
  const c = new ContextCookie(doc, 'sr_ctx', 1800, false);
  c.started(0);
  for (const bad of [undefined, null, 42, '', 'a b', 'a;b', 'x'.repeat(2000), 'é']) c.welcomed(bad, 0);
  c.touched(10 ** 9);
  assert.deepEqual(doc.writes, []);
});

test('deleted when recording stops; recorded activity refreshes it at most once a minute', () => {
  const doc = cookieJar();
  const c = new ContextCookie(doc, 'sr_ctx', 1800, false);
  c.started(0);
  c.welcomed(CTX, 1000);
  c.touched(30_000);
  assert.equal(doc.writes.length, 1);
  c.touched(61_000);
  assert.equal(doc.writes.length, 2);
  c.stopped();
  assert.equal(doc.jar.size, 0);
  assert.equal(doc.writes.at(-1), 'sr_ctx=; max-age=0; path=/; SameSite=Lax');
  c.touched(10 ** 9);
  c.welcomed(CTX, 10 ** 9); // the rest is still delivered after stop: no cookie for it
  assert.equal(doc.jar.size, 0);
  c.started(10 ** 9); // recording again on the same socket
  assert.equal(doc.jar.get('sr_ctx').value, CTX);
});

test('a document that refuses cookies is no error', () => {
  const doc = {
    set cookie(_) {
      throw new Error('SecurityError');
    },
  };
  const c = new ContextCookie(/** @type {any} */ (doc), 'sr_ctx', 1800, false);
  c.started(0);
  c.welcomed(CTX, 0);
  c.stopped();
});

test('config: the name and lifetime the server renders, defaults when absent or unusable', () => {
  const cfg = recorderConfig(serverConfig());
  assert.equal(cfg.contextCookie, 'sr_ctx');
  assert.equal(cfg.contextCookieMaxAge, 1800);
  const { contextCookie, contextCookieMaxAge, ...older } = serverConfig();
  assert.deepEqual([recorderConfig(older).contextCookie, recorderConfig(older).contextCookieMaxAge], ['sr_ctx', 1800]);
  const other = recorderConfig({ ...serverConfig(), contextCookie: 'my_ctx', contextCookieMaxAge: 600 });
  assert.deepEqual([other.contextCookie, other.contextCookieMaxAge], ['my_ctx', 600]);
  const bad = recorderConfig({ ...serverConfig(), contextCookie: 'a=b; path', contextCookieMaxAge: -5 });
  assert.deepEqual([bad.contextCookie, bad.contextCookieMaxAge], ['sr_ctx', 1800]);
});
