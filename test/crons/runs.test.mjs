// Cron jobs on a real server (SPEC 2.5): a JavaScript and a Python cron on every minute run
// within 70 s and log under crons/<name>; `list resources` shows their next runs; a restart
// brings the schedules back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lessCli } from '../helpers/cli.mjs';
import { projectDir, startTestServer } from '../helpers/server.mjs';

const files = {
  // `process` is called with nothing (SPEC 2): the JS handler counts its arguments,
  // the Python one would raise a TypeError if it were given one.
  'less/crons/tick/index.js': 'exports.process = async (...args) => { console.log(`tick ran with ${args.length} arguments`); };\n',
  'less/crons/py_tick/__init__.py': 'def process():\n    print("py_tick ran")\n',
  'less/crons/nightly/index.ts': 'export const process = async (): Promise<void> => { console.log("nightly"); };\n',
};
const schedules = { CRON_TICK: 'cron(* * * * ? *)', CRON_PY_TICK: '* * * * ? *', CRON_NIGHTLY: 'cron(0 2 ? * MON-FRI *)' };

test('a JS and a Python cron on every minute run within 70 s, each run logged under crons/<name>', { timeout: 120_000 }, async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'openless-home-'));
  const servers = [];
  // One hook, in order: the servers stop before their home goes (close is idempotent).
  t.after(async () => {
    for (const running of servers) await running.close();
    await rm(home, { recursive: true, force: true });
  });
  const server = await startTestServer(t, { home });
  servers.push(server);
  const root = await projectDir(files);
  t.after(() => rm(root, { recursive: true, force: true }));
  const cli = (args) => lessCli(args, { cwd: root, env: { LESS_HOME: home, LESS_PORT: String(server.port), ...schedules } });

  // The CLI reads CRON_<NAME> from the deploying shell; no less.config needed.
  const deployed = await cli(['deploy', 'cron-app']);
  const deployedAt = Date.now();
  assert.equal(deployed.code, 0, deployed.stderr);
  assert.match(deployed.stdout, /\[less-cli\] {3}- Cron jobs\n/);
  assert.match(deployed.stdout, /\[less-cli\] {5}- tick: cron\(\* \* \* \* \? \*\), next run \d{4}-\d\d-\d\d \d\d:\d\d UTC\n/);

  const json = await cli(['list', 'resources', 'cron-app', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const { crons } = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(crons).sort(), ['nightly', 'py_tick', 'tick']);
  assert.equal(crons.tick.schedule, 'cron(* * * * ? *)');
  assert.equal(crons.py_tick.schedule, '* * * * ? *');
  const tickAt = Date.parse(crons.tick.next_run);
  assert.ok(tickAt > deployedAt - 60_000 && tickAt <= deployedAt + 60_000 && tickAt % 60_000 === 0, crons.tick.next_run);
  const nightly = new Date(crons.nightly.next_run);
  assert.deepEqual([nightly.getUTCHours(), nightly.getUTCMinutes()], [2, 0], 'UTC');
  assert.ok(nightly.getUTCDay() >= 1 && nightly.getUTCDay() <= 5, 'MON-FRI');

  const human = await cli(['list', 'resources', 'cron-app']);
  assert.match(human.stdout, /\[less-cli\] {5}- nightly: cron\(0 2 \? \* MON-FRI \*\), next run \d{4}-\d\d-\d\d 02:00 UTC\n/);

  // Both run within 70 s of the deploy: wait for their END lines.
  const ended = (path) => server.waitForLog('cron-app', path, /^\S+ END /m);
  const within = new Promise((_, reject) => setTimeout(() => reject(new Error('no cron run within 70 s')), 70_000 - (Date.now() - deployedAt)).unref());
  await Promise.race([Promise.all([ended('crons/tick'), ended('crons/py_tick')]), within]);
  assert.ok(Date.now() - deployedAt < 70_000);

  for (const [path, printed] of [['crons/tick', 'tick ran with 0 arguments'], ['crons/py_tick', 'py_tick ran']]) {
    const lines = (await server.logs('cron-app', path)).trim().split('\n');
    const [start, ...rest] = lines;
    const requestId = start.match(/^\S+ START (\S+)$/)?.[1];
    assert.ok(requestId, `${path} starts with START: ${lines.join(' | ')}`);
    assert.match(rest.find((l) => l.includes(printed)) ?? '', new RegExp(`^\\S+ INFO ${requestId} ${printed}$`), lines.join(' | '));
    assert.match(rest.find((l) => / END /.test(l)) ?? '', new RegExp(`^\\S+ END ${requestId} [\\d.]+ ms$`), lines.join(' | '));
    assert.ok(!lines.some((l) => / ERROR /.test(l)), lines.join(' | '));
  }

  // A restart restores the schedules from the stored deployment.
  await server.close();
  const again = await startTestServer(t, { home });
  servers.push(again);
  const restored = await (await again.admin('/projects/cron-app')).json();
  assert.deepEqual(Object.keys(restored.crons).sort(), ['nightly', 'py_tick', 'tick']);
  assert.ok(Date.parse(restored.crons.tick.next_run) > Date.now() - 1000, restored.crons.tick.next_run);

  // Delete stops them: the project and its schedules are gone.
  assert.equal((await again.admin('/projects/cron-app', { method: 'DELETE' })).status, 200);
  assert.equal((await again.admin('/projects/cron-app')).status, 404);
});
