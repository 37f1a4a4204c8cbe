// Deploy-time checks through the real CLI and the admin API (SPEC 1, 2.5, 5): every mistake
// is one clear report naming the path, exit code 1, no stack, and nothing is deployed —
// the version already deployed keeps serving.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lessCli } from '../helpers/cli.mjs';
import { startTestServer, writeFiles } from '../helpers/server.mjs';

const basic = fileURLToPath(new URL('../fixtures/projects/deploy-basic', import.meta.url));
const withEnv = fileURLToPath(new URL('../fixtures/projects/deploy-env', import.meta.url));

// The server's own environment holds a secret; handlers must never see it (SPEC 2.5).
process.env.OPENLESS_TEST_SECRET = 'known-to-the-server';
const server = await startTestServer({ after });
const cliEnv = { LESS_HOME: server.home, LESS_PORT: String(server.port) };
const deploy = (name, cwd, env = {}) => lessCli(['deploy', name], { cwd, env: { ...cliEnv, ...env } });

/** A copy of deploy-basic whose version route answers `version`, plus `files`. */
async function project(t, { version = 'v1', files = {} } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'openless-deploy-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await cp(basic, root, { recursive: true });
  await writeFile(join(root, 'less/apis/info/version/get.js'), `exports.process = async () => ({ body: { version: '${version}' } });\n`);
  await writeFiles(root, files);
  return root;
}

async function version(name) {
  const res = await fetch(`${server.base}/${name}/apis/info/version`);
  return res.status === 200 ? (await res.json()).version : res.status;
}

/** A failed command: exit 1, nothing on stdout after "Building", a report without any stack. */
function assertFailed(result) {
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.doesNotMatch(result.stdout, /Deployment complete/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
  return result.stderr.trimEnd().split('\n');
}

const handler = "exports.process = async () => {};\n";
const layoutMistakes = [
  { what: 'a bad socket name', files: { 'less/sockets/bad-name/ping/index.js': handler }, path: 'less/sockets/bad-name', problem: /socket name "bad-name" is invalid: it must start with a letter and contain only letters, digits and _/ },
  { what: 'a handler folder without a handler', files: { 'less/sockets/live/connect/helper.js': handler }, path: 'less/sockets/live/connect', problem: /has no handler \(fix: add index\.js, index\.mjs, index\.ts or __init__\.py/ },
  { what: 'two handlers in one folder', files: { 'less/sockets/live/ping/index.ts': 'export const process = async () => {};\n' }, path: 'less/sockets/live/ping', problem: /has 2 handlers \(index\.js and index\.ts\); a folder holds exactly one/ },
  { what: 'an unknown folder in less/', files: { 'less/databases/users.js': handler }, path: 'less/databases', problem: /is not a Less folder; less\/ may only contain apis, sockets/ },
  { what: 'a less.config that is not YAML', files: { 'less.config': 'env_vars: [API_KEY\n' }, path: 'less.config', problem: /^  - less\.config: is not valid YAML \(line \d\): .* \(fix: correct the YAML at line \d, e\.g\. env_vars: \[API_KEY, DATABASE_URL\]\)$/ },
  { what: 'an AWS_ name in less.config', files: { 'less.config': 'env_vars: [AWS_REGION]\n' }, path: 'less.config', problem: /env_vars entry AWS_REGION \(line 1\) uses the reserved prefix AWS_ \(fix: rename the variable, e\.g\. MY_REGION\)/ },
];

for (const mistake of layoutMistakes) {
  test(`${mistake.what}: the CLI names the path, exits 1, and the deployed version keeps serving`, async (t) => {
    const name = `layout-${layoutMistakes.indexOf(mistake)}`;
    assert.equal((await deploy(name, await project(t))).code, 0);
    assert.equal(await version(name), 'v1');
    const broken = await project(t, { version: 'v2', files: mistake.files });

    const lines = assertFailed(await deploy(name, broken));
    assert.deepEqual(lines.length, 2, lines.join('\n'));
    assert.equal(lines[0], '[less-cli] Error: the project has 1 problem; nothing was deployed — fix it and deploy again');
    assert.ok(lines[1].startsWith(`  - ${mistake.path}: `), lines[1]);
    assert.match(lines[1], mistake.problem);

    // The server validates too (a client other than the CLI gets the same answer).
    const res = await server.admin(`/projects/${name}`, { method: 'POST', body: JSON.stringify({ root: broken }) });
    assert.equal(res.status, 400);
    const { error } = await res.json();
    assert.equal(error.code, 'validation_failed');
    assert.deepEqual(error.problems.map((p) => p.path), [mistake.path]);
    assert.equal(await version(name), 'v1');
  });
}

test('every problem of a project is reported at once, sorted by path', async (t) => {
  // The two less.config mistakes share a file: the later one is the one written.
  const files = Object.assign({}, ...layoutMistakes.map((m) => m.files));
  const lines = assertFailed(await deploy('many', await project(t, { files })));
  assert.match(lines[0], /the project has 5 problems; nothing was deployed/);
  assert.deepEqual(
    lines.slice(1).map((l) => l.split(': ')[0]),
    ['  - less.config', '  - less/databases', '  - less/sockets/bad-name', '  - less/sockets/live/connect', '  - less/sockets/live/ping'],
  );
  assert.equal(await version('many'), 404);
});

test('an invalid project name is one line that suggests a valid one', async (t) => {
  const lines = assertFailed(await deploy('My_Project', await project(t)));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0], /^\[less-cli\] Error: project name "My_Project" is invalid: it must start with a lowercase letter/);
  assert.match(lines[0], /use a name like my-project$/);
});

test('deploy from a folder without less/ says where it looked and what to do', async (t) => {
  const empty = await mkdtemp(join(tmpdir(), 'openless-empty-'));
  t.after(() => rm(empty, { recursive: true, force: true }));
  const lines = assertFailed(await deploy('nowhere', empty));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.ok(lines[0].startsWith(`[less-cli] Error: no less/ folder in ${empty} — run \`less-cli deploy\` from your project root`), lines[0]);
});

test('a TypeScript syntax error fails the deploy with file and line; the old version keeps serving', async (t) => {
  assert.equal((await deploy('typed', await project(t))).code, 0);
  const broken = await project(t, {
    version: 'v2',
    files: { 'less/apis/info/broken/get.ts': "import { kvs } from '@chuva.io/less';\nexport const process = async ( => {};\n" },
  });
  const lines = assertFailed(await deploy('typed', broken));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.match(lines[0], /^\[less-cli\] Error: less\/apis\/info\/broken\/get\.ts:2:\d+: .+ — fix the TypeScript error and deploy again$/);
  assert.equal(await version('typed'), 'v1');
  assert.equal((await fetch(`${server.base}/typed/apis/info/broken`)).status, 404);
});

test('less.config env vars: a missing one fails naming it; handlers see only the listed ones', async (t) => {
  const missing = assertFailed(await deploy('with-env', withEnv, { DEPLOY_GREETING: undefined }));
  assert.equal(missing.length, 1, missing.join('\n'));
  assert.match(missing[0], /^\[less-cli\] Error: less\.config lists env var DEPLOY_GREETING but it is not set in this shell — export DEPLOY_GREETING=/);
  // The server enforces it as well when a client sends no value.
  const res = await server.admin('/projects/with-env', { method: 'POST', body: JSON.stringify({ root: withEnv, env: {} }) });
  assert.equal(res.status, 400);
  const { error } = await res.json();
  assert.equal(error.code, 'missing_env_var');
  assert.match(error.message, /DEPLOY_GREETING/);
  assert.equal((await fetch(`${server.base}/with-env/apis/env/show`)).status, 404);

  const ok = await deploy('with-env', withEnv, { DEPLOY_GREETING: "hello, it's me", OPENLESS_TEST_SECRET: 'exported-in-the-shell' });
  assert.equal(ok.code, 0, ok.stderr);
  const seen = await (await fetch(`${server.base}/with-env/apis/env/show`)).json();
  assert.deepEqual(seen, { greeting: "hello, it's me", secret: null, path: null, names: ['DEPLOY_GREETING'] });
});
