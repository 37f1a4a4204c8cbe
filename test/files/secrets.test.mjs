// The per-project signing keys (src/resources/files/secrets.ts) around a project's deletion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSecrets } from '../../dist/resources/files/secrets.js';

test('a key being loaded while the project is deleted is not remembered afterwards', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'openless-secrets-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const old = await new FileSecrets(root).get('box', true);
  // A fresh instance (as after a restart) has to read the key file. Letting the event loop
  // turn once starts that read, so the delete lands while it is in flight (with the bug this
  // interleaving brought the deleted key back into the cache every time it was tried).
  const secrets = new FileSecrets(root);
  const loading = secrets.get('box', false);
  await new Promise((resolve) => setImmediate(resolve));
  await secrets.delete('box');
  await loading; // the old key or none, depending on which read the file first
  assert.equal(await secrets.get('box', false), undefined, 'but the deleted key is not cached');
  const renewed = await secrets.get('box', true);
  assert.notDeepEqual(renewed, old, 'a project of the same name gets a new key');
});
