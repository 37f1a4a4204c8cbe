// The functions URL in `deploy` / `list resources`, human and --json (SPEC 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../../dist/project/load.js';
import { resourcesOf } from '../../dist/server/resources.js';
import { resourceLines } from '../../dist/cli/output.js';

const fixture = fileURLToPath(new URL('../fixtures/projects/functions-mixed', import.meta.url));

test('a project with functions shows its functions URL', async () => {
  const resources = resourcesOf('fns', await loadProject(fixture), 'localhost:8000');
  assert.equal(resources.functions, 'http://localhost:8000/fns');
  const lines = resourceLines(resources);
  const at = lines.indexOf('[less-cli]   - Functions URL');
  assert.ok(at > 0, lines.join('\n'));
  assert.equal(lines[at + 1], '[less-cli]     - http://localhost:8000/fns');
  assert.equal(resourcesOf('fns', await loadProject(fixture), 'localhost:8443', true).functions, 'https://localhost:8443/fns');
});
