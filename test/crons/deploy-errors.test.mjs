// A cron without a schedule, or with an invalid one, fails the deploy naming the cron and
// its variable; nothing is deployed and the version already deployed keeps its schedule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lessCli } from '../helpers/cli.mjs';
import { projectDir, startTestServer } from '../helpers/server.mjs';

const files = {
  'less/apis/demo/hello/get.js': 'exports.process = async () => ({ statusCode: 200, body: "hello" });\n',
  'less/crons/daily/index.js': 'exports.process = async () => {};\n',
  'less/crons/py_hourly/__init__.py': 'def process():\n    pass\n',
};

test('a missing CRON_<NAME> fails the deploy, naming the cron, the variable and an example', async (t) => {
  const server = await startTestServer(t);
  const root = await projectDir(files);
  const failure = await server.deploy('no-schedule', root, { CRON_PY_HOURLY: 'rate(1 hour)' }).catch((error) => error);
  assert.equal(failure.status, 400);
  assert.equal(failure.body.error.code, 'missing_cron_schedule');
  assert.equal(
    failure.body.error.message,
    'less/crons/daily: no schedule: CRON_DAILY is not set in the deploying shell — export CRON_DAILY="cron(0 12 * * ? *)" (or "rate(5 minutes)") and deploy again',
  );
  assert.deepEqual(failure.body.error.problems.map((p) => p.path), ['less/crons/daily']);
  assert.equal((await server.admin('/projects/no-schedule')).status, 404, 'nothing was deployed');
  assert.equal((await fetch(`${server.base}/no-schedule/apis/demo/hello`)).status, 404);
});

test('an invalid expression fails the deploy with the reason; the deployed version keeps serving and its schedule', async (t) => {
  const server = await startTestServer(t);
  const root = await projectDir(files);
  await server.deploy('bad-schedule', root, { CRON_DAILY: 'cron(0 12 * * ? *)', CRON_PY_HOURLY: 'rate(1 hour)' });

  const failure = await server.deploy('bad-schedule', root, { CRON_DAILY: 'cron(0 12 1 * MON *)', CRON_PY_HOURLY: 'rate(1 hours)' }).catch((error) => error);
  assert.equal(failure.status, 400);
  assert.equal(failure.body.error.code, 'invalid_cron_schedule');
  assert.match(failure.body.error.message, /^less\/crons\/daily: CRON_DAILY="cron\(0 12 1 \* MON \*\)" is not a valid schedule: day-of-month \(1\) and day-of-week \(MON\) are both set — EventBridge needs \? in one of them/);
  assert.match(failure.body.error.message, /\(and 1 more\)$/);
  assert.deepEqual(failure.body.error.problems.map((p) => [p.path, p.problem]), [
    ['less/crons/daily', 'CRON_DAILY="cron(0 12 1 * MON *)" is not a valid schedule: day-of-month (1) and day-of-week (MON) are both set — EventBridge needs ? in one of them, e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON *)'],
    ['less/crons/py_hourly', 'CRON_PY_HOURLY="rate(1 hours)" is not a valid schedule: rate(1 hours): with 1 the unit is singular — write rate(1 hour)'],
  ]);
  for (const problem of failure.body.error.problems) assert.match(problem.fix, /^set CRON_\w+ to an EventBridge schedule, e\.g\. export CRON_\w+="cron\(0 12 \* \* \? \*\)", and deploy again$/);

  assert.equal(await (await fetch(`${server.base}/bad-schedule/apis/demo/hello`)).text(), 'hello');
  const { crons } = await (await server.admin('/projects/bad-schedule')).json();
  assert.equal(crons.daily.schedule, 'cron(0 12 * * ? *)');
  assert.match(crons.daily.next_run, /T12:00:00\.000Z$/);
  assert.equal(crons.py_hourly.schedule, 'rate(1 hour)');
});

test('the CLI reports a bad schedule as one line per cron, without a stack', async (t) => {
  const server = await startTestServer(t);
  const root = await projectDir(files);
  const env = { LESS_HOME: server.home, LESS_PORT: String(server.port), CRON_DAILY: 'cron(0 12 * * ?)' };
  delete process.env.CRON_PY_HOURLY; // the test runner's own shell must not provide it
  const result = await lessCli(['deploy', 'cli-bad'], { cwd: root, env });
  assert.equal(result.code, 1);
  assert.equal(result.stdout.includes('Deployment complete'), false);
  const lines = result.stderr.trim().split('\n');
  assert.deepEqual(lines.slice(1), [
    '  - less/crons/daily: CRON_DAILY="cron(0 12 * * ?)" is not a valid schedule: a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), this one has 5 (EventBridge adds a year field: append * for every year) — e.g. cron(0 12 * * ? *) (fix: set CRON_DAILY to an EventBridge schedule, e.g. export CRON_DAILY="cron(0 12 * * ? *)", and deploy again)',
    '  - less/crons/py_hourly: no schedule: CRON_PY_HOURLY is not set in the deploying shell (fix: export CRON_PY_HOURLY="cron(0 12 * * ? *)" (or "rate(5 minutes)") and deploy again)',
  ]);
  assert.match(lines[0], /^\[less-cli\] Error: the project has 2 problems; nothing was deployed/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack');
});
