import assert from 'node:assert/strict';
import { chmod, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LessError } from '../../dist/errors.js';
import { formatProblems, loadProject } from '../../dist/project/load.js';
import { allHandlers } from '../../dist/project/types.js';
import { JS, PY, makeTree, problemPaths, problemsOf } from './helpers.mjs';

const FULL = resolve(fileURLToPath(new URL('../fixtures/projects/loader-full', import.meta.url)));
const LANG = { js: 'javascript', mjs: 'javascript', ts: 'typescript', py: 'python' };
const h = (functionPath, file) => ({ functionPath, file: `less/${file}`, language: LANG[file.split('.').pop()] });

test('loads every resource kind of the full fixture', async () => {
  const project = await loadProject(FULL);
  assert.deepEqual(project, {
    root: FULL,
    apis: [
      {
        name: 'demo',
        routes: [
          { segments: [], pattern: '/', verbs: { get: h('apis/demo/get', 'apis/demo/get.js') } },
          {
            segments: ['hello'],
            pattern: '/hello',
            verbs: { get: h('apis/demo/hello/get', 'apis/demo/hello/get.py'), post: h('apis/demo/hello/post', 'apis/demo/hello/post.js') },
          },
          { segments: ['items', 'latest'], pattern: '/items/latest', verbs: { get: h('apis/demo/items/latest/get', 'apis/demo/items/latest/get.js') } },
          {
            segments: ['items', '{id}'],
            pattern: '/items/{id}',
            verbs: {
              get: h('apis/demo/items/{id}/get', 'apis/demo/items/{id}/get.ts'),
              delete: h('apis/demo/items/{id}/delete', 'apis/demo/items/{id}/delete.mjs'),
            },
          },
          { segments: ['v1.0', 'deep'], pattern: '/v1.0/deep', verbs: { patch: h('apis/demo/v1.0/deep/patch', 'apis/demo/v1.0/deep/patch.py') } },
        ],
      },
      { name: 'store', routes: [{ segments: ['orders'], pattern: '/orders', verbs: { put: h('apis/store/orders/put', 'apis/store/orders/put.ts') } }] },
    ],
    sockets: [
      {
        name: 'demo',
        connect: h('sockets/demo/connect', 'sockets/demo/connect/index.js'),
        disconnect: h('sockets/demo/disconnect', 'sockets/demo/disconnect/__init__.py'),
        channels: {
          my_channel: h('sockets/demo/my_channel', 'sockets/demo/my_channel/index.ts'),
          py_channel: h('sockets/demo/py_channel', 'sockets/demo/py_channel/__init__.py'),
        },
      },
      { name: 'quiet', channels: {} },
    ],
    topics: [
      { name: 'kvs_created', subscribers: [] },
      {
        name: 'user_created',
        subscribers: [
          { name: 'audit', handler: h('topics/user_created/audit', 'topics/user_created/audit/__init__.py') },
          { name: 'send_welcome_email', handler: h('topics/user_created/send_welcome_email', 'topics/user_created/send_welcome_email/index.js') },
        ],
      },
    ],
    externalTopics: [
      {
        app: 'billing-app',
        topic: 'invoice_paid',
        subscribers: [{ name: 'notify', handler: h('external_topics/billing-app/invoice_paid/notify', 'external_topics/billing-app/invoice_paid/notify/index.mjs') }],
      },
    ],
    crons: [{ name: 'daily', handler: h('crons/daily', 'crons/daily/index.ts') }],
    functions: [{ name: 'add', handler: h('functions/add', 'functions/add/__init__.py') }],
    shared: [
      { name: 'models', path: 'less/shared/models' },
      { name: 'text_utils', path: 'less/shared/text_utils.py' },
    ],
    statics: [{ name: 'web-site', path: 'less/statics/web-site' }],
    envVars: ['API_KEY', 'DB_URL'],
    hasDependencies: true,
  });
  assert.equal(allHandlers(project).length, 17);
});

test('the project is deeply frozen', async () => {
  const project = await loadProject(FULL);
  assert.ok(Object.isFrozen(project) && Object.isFrozen(project.apis[0].routes[0].verbs.get));
  assert.throws(() => project.sockets.push({}), TypeError);
});

test('a bare less/ folder is an empty project; tool-made entries are ignored', async () => {
  const root = await makeTree({
    'less/': '',
    'less/.DS_Store': '',
    'less/node_modules/x/index.js': JS,
    'less/functions/add/__init__.py': PY,
    'less/functions/add/__pycache__/x.pyc': '',
    'less/functions/add/.hidden/index.js': JS,
    'less/shared/__pycache__/a.pyc': '',
    'package.json': '{"dependencies": {}}',
  });
  const project = await loadProject(root);
  assert.deepEqual(project.functions.map((f) => f.handler.file), ['less/functions/add/__init__.py']);
  assert.deepEqual([project.apis, project.shared, project.envVars, project.hasDependencies], [[], [], [], false]);
});

test('missing less/ folder', async () => {
  const problems = await problemsOf({ 'README.md': 'hi' });
  assert.equal(problems.length, 1);
  assert.equal(problems[0].path, 'less');
  assert.match(problems[0].problem, /no less\/ folder/);
  assert.match(problems[0].fix, /project root.*mkdir less/);
});

test('unknown entries in less/ name the path and list the allowed folders', async () => {
  const problems = await problemsOf({ 'less/api/demo/get.js': JS, 'less/README.md': 'x', 'less/crons': 'not a folder' });
  assert.deepEqual(problems.map((p) => p.path), ['less/README.md', 'less/api', 'less/crons']);
  assert.match(problems[1].problem, /apis, sockets, topics, external_topics, crons, functions, shared, statics/);
  assert.match(problems[1].fix, /rename it to less\/apis/);
  assert.match(problems[2].problem, /must be a folder/);
});

test('bad names in every kind of resource', async () => {
  const paths = await problemPaths({
    'less/apis/9api/get.js': JS,
    'less/sockets/bad-name/my-channel/index.js': JS,
    'less/topics/user.created/send-mail/index.js': JS,
    'less/external_topics/bad app/invoice-paid/notify/index.js': JS,
    'less/crons/daily job/index.js': JS,
    'less/functions/_add/index.js': JS,
    'less/shared/my-lib.js': JS,
    'less/statics/my site/index.html': '',
    'less/statics/ok-site_2/index.html': '',
  });
  assert.deepEqual(paths, [
    'less/apis/9api',
    'less/crons/daily job',
    'less/external_topics/bad app',
    'less/external_topics/bad app/invoice-paid',
    'less/functions/_add',
    'less/shared/my-lib.js',
    'less/sockets/bad-name',
    'less/sockets/bad-name/my-channel',
    'less/statics/my site',
    'less/topics/user.created',
    'less/topics/user.created/send-mail',
  ]);
  const [socket] = (await problemsOf({ 'less/sockets/bad-name/': '' }));
  assert.match(socket.problem, /socket name "bad-name" is invalid/);
  assert.equal(socket.fix, 'rename the folder to match ^[A-Za-z][A-Za-z0-9_]*$, e.g. bad_name');
});

test('folders without a handler, or with two', async () => {
  const problems = await problemsOf({
    'less/crons/daily/': '',
    'less/sockets/demo/my_channel/helper.js': JS,
    'less/topics/t/sub/index.js': JS,
    'less/topics/t/sub/__init__.py': PY,
    'less/functions/f/index.js': JS,
    'less/functions/f/index.mjs': JS,
    'less/functions/f/index.ts': JS,
  });
  assert.deepEqual(problems, [
    { path: 'less/crons/daily', problem: 'has no handler', fix: 'add index.js, index.mjs, index.ts or __init__.py to less/crons/daily' },
    { path: 'less/functions/f', problem: 'has 3 handlers (index.js and index.mjs and index.ts); a folder holds exactly one', fix: 'keep one of index.js and index.mjs and index.ts and delete the others' },
    { path: 'less/sockets/demo/my_channel', problem: 'has no handler', fix: 'add index.js, index.mjs, index.ts or __init__.py to less/sockets/demo/my_channel' },
    { path: 'less/topics/t/sub', problem: 'has 2 handlers (__init__.py and index.js); a folder holds exactly one', fix: 'keep one of __init__.py and index.js and delete the other' },
  ]);
});

test('stray files where resource folders are expected', async () => {
  const problems = await problemsOf({
    'less/crons/daily.js': JS,
    'less/sockets/demo/index.js': JS,
    'less/topics/t/index.py': PY,
    'less/statics/index.html': '',
    'less/shared/notes.txt': '',
  });
  assert.deepEqual(problems.map((p) => p.path), ['less/crons/daily.js', 'less/shared/notes.txt', 'less/sockets/demo/index.js', 'less/statics/index.html', 'less/topics/t/index.py']);
  assert.equal(problems[0].fix, 'move it to less/crons/daily/index.js, or delete it');
  assert.equal(problems[4].fix, 'move it to less/topics/t/index/__init__.py, or delete it');
});

test('an unreadable handler is a problem', async () => {
  const root = await makeTree({ 'less/crons/daily/': '' });
  await symlink(join(root, 'missing.js'), join(root, 'less/crons/daily/index.js'));
  const paths = await problemPaths(root);
  assert.deepEqual(paths, ['less/crons/daily/index.js']);
});

test('a file without read permission is a problem', { skip: process.getuid?.() === 0 && 'root can read any file' }, async () => {
  const root = await makeTree({ 'less/functions/f/index.js': JS });
  await chmod(join(root, 'less/functions/f/index.js'), 0o000);
  const problems = await problemsOf(root);
  assert.deepEqual(problems.map((p) => p.path), ['less/functions/f/index.js']);
  assert.match(problems[0].problem, /cannot be read \(EACCES\)/);
});

test('one LessError lists every problem', async () => {
  const root = await makeTree({ 'less/sockets/bad-name/': '', 'less/crons/daily/': '' });
  const error = await loadProject(root).catch((e) => e);
  assert.ok(error instanceof LessError);
  assert.equal(error.code, 'validation_failed');
  assert.equal(error.user, true);
  assert.equal(error.problems.length, 2);
  assert.equal(error.message, `2 problems in ${root}: less/crons/daily: has no handler (and 1 more)`);
  assert.equal(
    formatProblems(error.problems),
    'less/crons/daily: has no handler — fix: add index.js, index.mjs, index.ts or __init__.py to less/crons/daily\n' +
      'less/sockets/bad-name: socket name "bad-name" is invalid: it must start with a letter and contain only letters, digits and _ — fix: rename the folder to match ^[A-Za-z][A-Za-z0-9_]*$, e.g. bad_name',
  );
});

test('package.json: dependencies decide hasDependencies; broken JSON is a problem', async () => {
  const withDeps = await makeTree({ 'less/': '', 'package.json': '{"dependencies": {"ws": "^8"}}' });
  assert.equal((await loadProject(withDeps)).hasDependencies, true);
  const noDeps = await makeTree({ 'less/': '', 'package.json': '{"name": "x"}' });
  assert.equal((await loadProject(noDeps)).hasDependencies, false);
  assert.deepEqual(await problemPaths({ 'less/': '', 'package.json': '{"dependencies": ' }), ['package.json']);
});
