import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INPUT_MASK, WORD_MASK, maskingOptions, maskInput } from '../src/masking.js';
import { serverConfig } from './fakes.js';

const balanced = serverConfig().privacy; // what the server renders by default

test('the server renders balanced by default, with e-mail and digit patterns', () => {
  assert.equal(balanced.mode, 'balanced');
  assert.equal(balanced.patterns.length, 2);
});

test('balanced masks digits and e-mail addresses in text, nothing else, never keeping their length', () => {
  const o = maskingOptions(balanced, null, null);
  assert.equal(o.maskTextSelector, '*');
  const out = o.maskTextFn('Order 4111111111111111 for ann.lee@example.com ships Monday', null);
  assert.equal(out, `Order ${WORD_MASK} for ${WORD_MASK} ships Monday`);
  assert.equal(o.maskTextFn('No numbers here.', null), 'No numbers here.');
  assert.equal(o.maskTextFn('7', null), WORD_MASK);
});

test("balanced masks the site's own selector whole", () => {
  const o = maskingOptions(balanced, '.pii', null);
  const el = { closest: (s) => (s === '.pii' ? {} : null) };
  assert.equal(o.maskTextFn('Ann Lee', /** @type {any} */ (el)), `${WORD_MASK} ${WORD_MASK}`);
});

test('strict masks every word and blocks media; relaxed leaves text alone', () => {
  const strict = maskingOptions({ mode: 'strict', patterns: [], blockMedia: 'img, video' }, null, '.secret');
  assert.equal(strict.maskTextSelector, '*');
  assert.equal(strict.maskTextFn('Hello there world', null), [WORD_MASK, WORD_MASK, WORD_MASK].join(' '));
  assert.equal(strict.blockSelector, '.secret, img, video');
  const relaxed = maskingOptions({ mode: 'relaxed', patterns: [] }, null, null);
  assert.equal(relaxed.maskTextSelector, undefined);
  assert.equal(relaxed.blockSelector, undefined);
});

test('an input mask never tells the length of what was typed', () => {
  assert.equal(maskInput('a'), INPUT_MASK);
  assert.equal(maskInput('correct horse battery staple'), INPUT_MASK);
  assert.equal(maskInput(''), '');
});

test('without a mode from the server the recorder masks as strict does', () => {
  assert.equal(maskingOptions(undefined, null, null).maskTextSelector, '*');
});

test("the server's mask class is masked whole in every mode", () => {
  const el = { closest: (s) => (s.split(', ').includes('.session-replay-mask') ? {} : null) };
  for (const mode of ['strict', 'balanced', 'relaxed']) {
    const privacy = mode === 'balanced' ? balanced : { mode, patterns: [] };
    const o = maskingOptions(privacy, null, null, 'session-replay-mask');
    const sel = String(o.maskTextSelector);
    assert.ok(sel === '*' || sel.includes('.session-replay-mask'), mode);
    assert.equal(o.maskTextFn('Ann', /** @type {any} */ (el)), WORD_MASK, mode);
  }
});
