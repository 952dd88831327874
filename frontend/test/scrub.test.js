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
