// Signed-URL rules as pure functions: time is passed in, so expiry is exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refusalOf, signedQuery, checkExpiresIn } from '../../dist/resources/files/signing.js';

const secret = Buffer.alloc(32, 7);
const at = Date.UTC(2030, 0, 1, 12, 0, 0, 250);

test('a URL is valid from signing until its expiry second, then expired', () => {
  const query = new URLSearchParams(signedQuery(secret, 'GET', 'box', 'a/b.txt', 60, at));
  const expires = Number(query.get('expires'));
  assert.equal(expires, Math.ceil(at / 1000) + 60, 'at least the full 60 s');
  assert.equal(refusalOf(secret, 'GET', 'box', 'a/b.txt', query, at), undefined);
  assert.equal(refusalOf(secret, 'GET', 'box', 'a/b.txt', query, expires * 1000 - 1), undefined);
  assert.equal(refusalOf(secret, 'GET', 'box', 'a/b.txt', query, expires * 1000).code, 'files_url_expired');
});

test('the signature covers method, project, path and expiry, under the project key', () => {
  const query = new URLSearchParams(signedQuery(secret, 'PUT', 'box', 'a.txt', 60, at));
  assert.equal(refusalOf(secret, 'PUT', 'box', 'a.txt', query, at), undefined);
  assert.equal(refusalOf(secret, 'GET', 'box', 'a.txt', query, at).code, 'files_signature_method');
  assert.equal(refusalOf(secret, 'PUT', 'other', 'a.txt', query, at).code, 'files_signature_invalid');
  assert.equal(refusalOf(secret, 'PUT', 'box', 'b.txt', query, at).code, 'files_signature_invalid');
  assert.equal(refusalOf(Buffer.alloc(32, 8), 'PUT', 'box', 'a.txt', query, at).code, 'files_signature_invalid');
  assert.equal(refusalOf(undefined, 'PUT', 'box', 'a.txt', query, at).code, 'files_signature_invalid');
  const later = new URLSearchParams(query);
  later.set('expires', String(Number(query.get('expires')) + 1));
  assert.equal(refusalOf(secret, 'PUT', 'box', 'a.txt', later, at).code, 'files_signature_invalid');
  assert.equal(refusalOf(secret, 'PUT', 'box', 'a.txt', new URLSearchParams(''), at).code, 'files_signature_missing');
});

test('expires_in: default 3600, whole seconds from 1 to 7 days', () => {
  assert.equal(checkExpiresIn(undefined, 'x'), 3600);
  assert.equal(checkExpiresIn(1, 'x'), 1);
  assert.equal(checkExpiresIn(604800, 'x'), 604800);
  for (const bad of [0, 604801, 2.5, '10', NaN]) assert.throws(() => checkExpiresIn(bad, 'x'), { code: 'files_invalid_expiry' });
});
