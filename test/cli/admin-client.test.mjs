// The CLI's side of docs/admin-api.md, against a fake admin server in this process:
// exact output of deploy / list / log / delete, what the CLI sends, and error mapping.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer } from './fake-server.mjs';
import { assertUserError, demoProject, HANDLER, runCli, tempDir } from './helpers.mjs';

describe('less-cli against an admin server', () => {
  let home;
  let server;
  let base;
  const cli = (args, options = {}) => runCli(args, { home, port: server.port, ...options });
  const lastRequest = () => server.requests.at(-1);

  before(async () => {
    home = await tempDir();
    server = await startServer({ home, port: 0, host: '127.0.0.1' });
    base = `127.0.0.1:${server.port}`;
  });
  after(() => server.close());

  it('deploys and prints the hosted CLI output', async () => {
    const root = await demoProject(await tempDir());
    const result = await cli(['deploy', 'my-less-project'], { cwd: root });
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(
      result.stdout,
      [
        '[less-cli] Building... ⚙️',
        '[less-cli] Build complete ✅',
        '[less-cli] Deploying... 🚀',
        '[less-cli] Deployment complete ✅',
        '[less-cli] Resources',
        '[less-cli]   - API URLs',
        `[less-cli]     - demo: http://${base}/my-less-project/apis/demo`,
        '[less-cli]   - Web Socket URLs',
        `[less-cli]     - demo: ws://${base}/my-less-project/sockets/demo`,
        '',
      ].join('\n'),
    );
    const request = lastRequest();
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/_admin/projects/my-less-project');
    assert.deepEqual(JSON.parse(request.body), { root, env: {} });
  });

  it('--json prints the resources object alone; env_vars and cron schedules are sent', async () => {
    const root = await demoProject(await tempDir(), {
      'less.config': 'env_vars: [OPENLESS_TEST_KEY]\n',
      'less/crons/nightly/index.js': HANDLER,
      'less/topics/user_created/welcome/index.js': HANDLER,
    });
    const env = { OPENLESS_TEST_KEY: 'secret', CRON_NIGHTLY: 'rate(5 minutes)' };
    const result = await cli(['deploy', 'json-project', '--json', '--cwd', root], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.split('\n').length, 2, 'one line');
    assert.deepEqual(JSON.parse(result.stdout), {
      project: 'json-project',
      apis: { demo: `http://${base}/json-project/apis/demo` },
      sockets: { demo: `ws://${base}/json-project/sockets/demo` },
      topics: `http://${base}/json-project`,
      functions: null,
      statics: {},
    });
    assert.deepEqual(JSON.parse(lastRequest().body).env, env);
  });

  it('prints a section for topics only when the project has them', async () => {
    const result = await cli(['list', 'resources', 'json-project']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /\[less-cli\] {3}- Topics URL\n\[less-cli\] {5}- http:\/\/.+\/json-project\n/);
    assert.doesNotMatch(result.stdout, /Functions URL|Static Website URLs/);
  });

  it('shows problems the server found in the same format as local ones', async () => {
    const root = await demoProject(await tempDir());
    const result = await cli(['deploy', 'server-invalid', '--cwd', root]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      '[less-cli] Error: the project has 1 problem; nothing was deployed — fix it and deploy again\n' +
        '  - less/crons/nightly: has no schedule (fix: export CRON_NIGHTLY=...)\n',
    );
  });

  it('lists projects as a table and as JSON', async () => {
    const table = await cli(['list']);
    assert.equal(table.code, 0);
    const lines = table.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^\[less-cli\] NAME +CREATED +UPDATED$/);
    assert.ok(lines.some((l) => /^\[less-cli\] my-less-project +2026-11-27 17:40:21 UTC +2026-11-27 17:40:21 UTC$/.test(l)));
    const json = JSON.parse((await cli(['list', '--json'])).stdout);
    assert.ok(json.projects.some((p) => p.name === 'my-less-project' && p.created_at && p.updated_at));
  });

  it('prints a project resources like deploy does, and explains an unknown project', async () => {
    const result = await cli(['list', 'resources', 'my-less-project']);
    assert.equal(result.code, 0);
    assert.ok(result.stdout.startsWith('[less-cli] Resources\n[less-cli]   - API URLs\n'));
    const json = JSON.parse((await cli(['list', 'resources', 'my-less-project', '--json'])).stdout);
    assert.equal(json.project, 'my-less-project');
    assertUserError(assert, await cli(['list', 'resources', 'nope']), /project "nope" is not deployed on this server — run `less-cli list`/);
  });

  it('prints a function log; --function is a synonym of --path', async () => {
    const result = await cli(['log', '--project', 'my-less-project', '--path', 'apis/demo/hello/get', '--tail', '5']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^2026-11-27T17:40:21.123Z START r1\n.+INFO hello from apis\/demo\/hello\/get\n.+END r1/);
    const query = new URLSearchParams(lastRequest().query);
    assert.deepEqual(Object.fromEntries(query), { path: 'apis/demo/hello/get', tail: '5' });
    await cli(['log', '--project', 'my-less-project', '--function', 'sockets/demo/connect', '--follow']);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(lastRequest().query)), { path: 'sockets/demo/connect', follow: '1' });
  });

  it('deletes a project', async () => {
    const result = await cli(['delete', 'my-less-project']);
    assert.equal(result.stdout, '[less-cli] Deleted my-less-project\n');
    assert.equal(lastRequest().method, 'DELETE');
    assertUserError(assert, await cli(['delete', 'my-less-project']), /project "my-less-project" is not deployed/);
  });

  it('reports the running server', async () => {
    const result = await cli(['server', 'status']);
    assert.equal(result.stdout, `[less-cli] OpenLess server 0.1.0 running on http://${base} (pid ${process.pid}, LESS_HOME=${home})\n`);
    const json = JSON.parse((await cli(['server', 'status', '--json'])).stdout);
    assert.equal(json.running, true);
    assert.equal(json.pid, process.pid);
  });

  it('explains a token mismatch (a server of another LESS_HOME on this port)', async () => {
    const otherHome = await tempDir();
    await writeFile(join(otherHome, 'admin.token'), 'not-the-token');
    for (const command of [['list'], ['server', 'status'], ['deploy', 'p', '--cwd', await demoProject(await tempDir())]]) {
      const result = await runCli(command, { home: otherHome, port: server.port });
      assert.match(result.stderr, /\[less-cli\] Error: the server on .+ rejected the admin token from .+admin\.token — it was probably started with a different LESS_HOME/);
      assert.equal(result.code, 1);
    }
  });
});
