import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDACTED, scrubUrl, scrubWords } from '../src/scrub.js';
import { serverConfig } from './fakes.js';

const words = scrubWords(serverConfig().scrubQueryParameters);

test("secret-looking query parameters lose their values, the rest of the URL stays", () => {
  const out = scrubUrl('https://shop.example/reset?token=abc123&page=2&Access_Token=z#top', words);
  assert.equal(out, `https://shop.example/reset?token=${REDACTED}&page=2&Access_Token=${REDACTED}#top`);
  assert.equal(scrubUrl('https://s.example/?X-Amz-Signature=s3cr3t', words), `https://s.example/?X-Amz-Signature=${REDACTED}`);
});

test('URLs without such parameters, or that are no URL, come back as they were', () => {
  for (const url of ['https://shop.example/p?id=1&sort=new', 'https://shop.example/', '', 'not a url ?token=1']) {
    assert.equal(scrubUrl(url, words), url);
  }
  assert.equal(scrubUrl('https://a.example/?token=1', []), 'https://a.example/?token=1');
});

test('free text loses e-mails, Luhn-valid card numbers and bearer tokens; other digit runs stay', async () => {
  const { luhn, scrubPatterns, scrubText } = await import('../src/scrub.js');
  assert.equal(luhn('4111111111111111'), true);
  assert.equal(luhn('4111111111111112'), false);
  assert.equal(scrubText('paid with 4111 1111 1111 1111 ok', []), 'paid with [card] ok');
  assert.equal(scrubText('card 4111-1111-1111-1111', []), 'card [card]');
  assert.equal(scrubText('order 1234567812345678 kept', []), 'order 1234567812345678 kept', 'fails Luhn: not a card');
  assert.equal(scrubText('ts 1718000000000', []), 'ts 1718000000000');
  assert.equal(scrubText('to ann.lee+x@mail.example.org!', []), 'to [email]!');
  assert.equal(scrubText('Authorization: Bearer eyJhbGciOi.J9.x-y_z', []), 'Authorization: Bearer [token]');
  const custom = scrubPatterns(['ACME-\\d+', 'email', '([', '']);
  assert.equal(custom.length, 1, 'built-in names and broken regexes are skipped');
  assert.equal(scrubText('ref ACME-42 and ACME-7', custom), 'ref [redacted] and [redacted]');
});

test('scrubEmails replaces what the address regex matches, in one pass', async () => {
  const { scrubEmails } = await import('../src/scrub.js');
  const REGEX = /[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}/g; // the rule, spelled as a regex
  const alphabet = ['a', 'b', 'Z', '1', '_', '.', '+', '%', '-', '@', ' ', 'é', 'co', 'm', '\n'];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let n = 0; n < 20000; n++) {
    let text = '';
    const length = Math.floor(next() * 40);
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
    assert.equal(scrubEmails(text), text.replace(REGEX, '[email]'), JSON.stringify(text));
  }
  assert.equal(scrubEmails('mail a.b+c@x.example.org, then d@e.co.'), 'mail [email], then [email].');
  assert.equal(scrubEmails('a@b.com+c@d.com'), '[email][email]');
});

test('a long run of word characters is scrubbed in linear time', async () => {
  const { scrubEmails } = await import('../src/scrub.js');
  const run = 'x'.repeat(50000);
  // The regex tries each of its starts (~1.25 billion steps); one pass reads it once.
  assert.equal(scrubEmails(`${run} to a@b.com`), `${run} to [email]`);
  assert.equal(scrubEmails(`${run}@b.com`), '[email]');
});
