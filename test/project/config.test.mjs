import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadProject } from '../../dist/project/load.js';
import { validateProjectName } from '../../dist/project/names.js';
import { makeTree, problemsOf } from './helpers.mjs';

const withConfig = (config) => ({ 'less/': '', 'less.config': config });

test('env_vars are read, deduplicated and sorted; unknown keys are ignored', async () => {
  const root = await makeTree(withConfig('future_key: {a: 1}\nenv_vars: [ZED, API_KEY, ZED, _PRIVATE]\n'));
  assert.deepEqual((await loadProject(root)).envVars, ['API_KEY', 'ZED', '_PRIVATE']);
  for (const empty of ['', '# nothing\n', 'env_vars:\n', 'other: 1\n']) {
    assert.deepEqual((await loadProject(await makeTree(withConfig(empty)))).envVars, []);
  }
});

test('malformed YAML names less.config and the line', async () => {
  const problems = await problemsOf(withConfig('env_vars:\n  - A\n  - [B\nx: 1\n'));
  assert.equal(problems.length, 1);
  assert.equal(problems[0].path, 'less.config');
  assert.match(problems[0].problem, /^is not valid YAML \(line \d+\): /);
  assert.match(problems[0].fix, /^correct the YAML at line \d+/);
  const [tab] = await problemsOf(withConfig('env_vars: [A]\n\tb: 1\n'));
  assert.match(tab.problem, /\(line 2\)/);
});

test('env_vars must be a list of variable names', async () => {
  const [notList] = await problemsOf(withConfig('env_vars: API_KEY\n'));
  assert.equal(notList.problem, 'env_vars must be a list of names (line 1)');
  const [notMap] = await problemsOf(withConfig('- A\n'));
  assert.match(notMap.problem, /must be a YAML mapping/);
  const problems = await problemsOf(withConfig('env_vars:\n  - GOOD\n  - 1BAD\n  - 42\n  - {a: 1}\n'));
  assert.deepEqual(problems.map((p) => p.problem), [
    'env_vars entry "1BAD" (line 3) is not a variable name',
    'env_vars entry 42 (line 4) is not a variable name',
    'env_vars entry a nested value (line 5) is not a variable name',
  ]);
});

test('AWS_ names are reserved, as in Less', async () => {
  const problems = await problemsOf(withConfig('env_vars: [AWS_REGION, MY_KEY]\n'));
  assert.deepEqual(problems, [
    { path: 'less.config', problem: 'env_vars entry AWS_REGION (line 1) uses the reserved prefix AWS_', fix: 'rename the variable, e.g. MY_REGION' },
  ]);
});

test('config problems are reported together with layout problems', async () => {
  const problems = await problemsOf({ 'less.config': 'env_vars: [AWS_X]\n', 'less/crons/daily/': '' });
  assert.deepEqual(problems.map((p) => p.path), ['less.config', 'less/crons/daily']);
});

test('validateProjectName', () => {
  for (const ok of ['a', 'my-project', 'p2', 'a'.repeat(63)]) assert.equal(validateProjectName(ok), undefined);
  assert.match(validateProjectName(''), /empty — fix: .*my-project/);
  assert.match(validateProjectName('My_App'), /"My_App" is invalid.* — fix: use a name like my-app$/);
  assert.match(validateProjectName('9lives'), /like p-9lives$/);
  // A path suggests its last folder; nothing usable suggests a placeholder.
  assert.match(validateProjectName('../projects/My App/'), /like my-app$/);
  assert.match(validateProjectName('-x-'), /like x$/);
  assert.match(validateProjectName('..'), /like my-project$/);
  assert.match(validateProjectName('a'.repeat(64)), /at most 63 characters long \(it has 64\)/);
});
