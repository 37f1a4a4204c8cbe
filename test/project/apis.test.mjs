import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadProject } from '../../dist/project/load.js';
import { JS, PY, makeTree, problemPaths, problemsOf } from './helpers.mjs';

test('routes: root verbs, params, intermediate folders, sorted with static before {param}', async () => {
  const root = await makeTree({
    'less/apis/shop/post.py': PY,
    'less/apis/shop/users/{user_id}/orders/{order_id}/get.js': JS,
    'less/apis/shop/users/me/get.js': JS,
    'less/apis/shop/files/a~b.c-d/get.js': JS,
  });
  const [api] = (await loadProject(root)).apis;
  assert.deepEqual(api.routes.map((r) => r.pattern), ['/', '/files/a~b.c-d', '/users/me', '/users/{user_id}/orders/{order_id}']);
  const deep = api.routes[3];
  assert.deepEqual(deep.segments, ['users', '{user_id}', 'orders', '{order_id}']);
  assert.deepEqual(deep.verbs.get, {
    functionPath: 'apis/shop/users/{user_id}/orders/{order_id}/get',
    file: 'less/apis/shop/users/{user_id}/orders/{order_id}/get.js',
    language: 'javascript',
  });
  assert.deepEqual(Object.keys(api.routes[0].verbs), ['post']);
  assert.equal(api.routes[0].verbs.post.functionPath, 'apis/shop/post');
});

test('two parameter folders under one parent are ambiguous', async () => {
  const problems = await problemsOf({ 'less/apis/a/items/{id}/get.js': JS, 'less/apis/a/items/{name}/get.js': JS });
  assert.deepEqual(problems.map((p) => p.path), ['less/apis/a/items']);
  assert.match(problems[0].problem, /2 path parameter folders \(\{id\} and \{name\}\)/);
});

test('non-verb files in API folders point to less/shared', async () => {
  const problems = await problemsOf({ 'less/apis/demo/hello/post.js': JS, 'less/apis/demo/hello/helper.js': JS, 'less/apis/demo/GET.js': JS });
  assert.deepEqual(problems.map((p) => p.path), ['less/apis/demo/GET.js', 'less/apis/demo/hello/helper.js']);
  assert.equal(problems[1].problem, 'is not a verb file');
  assert.match(problems[1].fix, /get, post, put, patch or delete.*less\/shared\/<module>/);
});

test('two files for one verb, bad segments and parameter names, empty leaves', async () => {
  const paths = await problemPaths({
    'less/apis/a/x/get.js': JS,
    'less/apis/a/x/get.py': PY,
    'less/apis/a/bad seg/get.js': JS,
    'less/apis/a/p/{bad-param}/get.js': JS,
    'less/apis/a/{id}/{id}/get.js': JS,
    'less/apis/a/empty/': '',
    'less/apis/b/': '',
    'less/apis/c.js': JS,
  });
  assert.deepEqual(paths, [
    'less/apis/a/bad seg',
    'less/apis/a/empty',
    'less/apis/a/p/{bad-param}',
    'less/apis/a/x',
    'less/apis/a/{id}/{id}',
    'less/apis/b',
    'less/apis/c.js',
  ]);
  const [twoVerbs] = await problemsOf({ 'less/apis/a/x/get.js': JS, 'less/apis/a/x/get.py': PY });
  assert.equal(twoVerbs.problem, 'has 2 get handlers (get.js and get.py)');
  const [param] = await problemsOf({ 'less/apis/a/{bad-param}/get.js': JS });
  assert.equal(param.fix, 'rename the folder to {bad_param}');
});

test('a dangling verb symlink is reported once', async () => {
  const root = await makeTree({ 'less/apis/a/x/': '' });
  await symlink(join(root, 'nowhere.js'), join(root, 'less/apis/a/x/get.js'));
  assert.deepEqual(await problemPaths(root), ['less/apis/a/x/get.js']);
});
