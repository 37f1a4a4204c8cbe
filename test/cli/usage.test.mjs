// What the CLI says without any server: help, argument mistakes, local validation, and
// "no server" answers. Every user mistake is one line on stderr and exit code 1.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { assertUserError, demoProject, freePort, HANDLER, runCli, tempDir, writeProject } from './helpers.mjs';

describe('less-cli without a server', () => {
  let home;
  let port;
  const cli = (args, options = {}) => runCli(args, { home, port, ...options });

  before(async () => {
    home = await tempDir();
    port = await freePort();
  });

  it('prints help with every command and the environment variables', async () => {
    const result = await cli(['--help']);
    assert.equal(result.code, 0);
    for (const word of ['deploy', 'list', 'log', 'delete', 'server', 'LESS_HOME', 'LESS_PORT']) {
      assert.match(result.stdout, new RegExp(word));
    }
  });

  it('answers an unknown command or option and a missing argument with one error line naming the help to read', async () => {
    assertUserError(assert, await cli(['bogus']), /^\[less-cli\] Error: unknown command 'bogus' — see `less-cli --help`$/);
    assertUserError(assert, await cli(['lst']), /^\[less-cli\] Error: unknown command 'lst' — did you mean list\? See `less-cli --help`$/);
    assertUserError(assert, await cli(['list', '--jsn']), /^\[less-cli\] Error: unknown option '--jsn' — did you mean --json\? See `less-cli list --help`$/);
    assertUserError(assert, await cli(['server', 'frob']), /^\[less-cli\] Error: unknown command 'frob' — see `less-cli server --help`$/);
    assertUserError(assert, await cli(['log', '--path', 'apis/demo/hello/get']), /^\[less-cli\] Error: required option '--project <project>' not specified — see `less-cli log --help`$/);
    assertUserError(assert, await cli(['deploy']), /^\[less-cli\] Error: missing required argument 'project' — see `less-cli deploy --help`$/);
    assertUserError(assert, await cli(['list', 'resources']), /^\[less-cli\] Error: missing required argument 'project' — see `less-cli list resources --help`$/);
  });

  it('rejects an invalid project name before anything else', async () => {
    for (const command of [['deploy', 'My_Project'], ['delete', 'My_Project'], ['list', 'resources', '1abc']]) {
      assertUserError(assert, await cli(command), /project name ".+" is invalid/);
    }
    // A folder given instead of a name: its last part is suggested, and deploy says what it deploys.
    assertUserError(
      assert,
      await cli(['deploy', './my-app']),
      /project name "\.\/my-app" is invalid: .* — fix: use a name like my-app; deploy takes the name the project gets and deploys the current folder: run it inside the project folder \(the one holding less\/\)$/,
    );
  });

  it('needs a less/ folder in the project root', async () => {
    const root = await tempDir();
    assertUserError(assert, await cli(['deploy', 'my-project'], { cwd: root }), /no less\/ folder in .+ — run `less-cli deploy` from your project root/);
    assertUserError(assert, await cli(['deploy', 'my-project', '--cwd', `${root}/nope`]), /project folder .+nope does not exist/);
  });

  it('lists every validation problem, one line each, and deploys nothing', async () => {
    const root = await demoProject(await tempDir(), { 'less/bogus/readme.txt': 'x', 'less/apis/demo/empty/.keep': '' });
    const result = await cli(['deploy', 'my-project', '--cwd', root]);
    assert.equal(result.code, 1);
    const [header, ...problems] = result.stderr.trimEnd().split('\n');
    assert.match(header, /^\[less-cli\] Error: the project has \d+ problems?; nothing was deployed — fix/);
    assert.ok(problems.length >= 1);
    for (const line of problems) assert.match(line, /^ {2}- less\/\S+: .+ \(fix: .+\)$/);
    assert.ok(problems.some((line) => line.startsWith('  - less/bogus:')));
    assert.equal(result.stdout, '[less-cli] Building... ⚙️\n');
  });

  it('names an env var from less.config that the shell does not set', async () => {
    const root = await demoProject(await tempDir(), { 'less.config': 'env_vars: [OPENLESS_TEST_UNSET_VAR]\n' });
    const result = await cli(['deploy', 'my-project', '--cwd', root], { env: { OPENLESS_TEST_UNSET_VAR: undefined } });
    assertUserError(assert, result, /env var OPENLESS_TEST_UNSET_VAR but it is not set in this shell — export OPENLESS_TEST_UNSET_VAR=/);
  });

  it('reports a failed npm install as a dependency error', async () => {
    const root = await writeProject(await tempDir(), {
      'less/functions/add/index.js': HANDLER,
      'package.json': JSON.stringify({ dependencies: { 'openless-test-no-such-package': '1.0.0' } }),
    });
    // Offline and pointed at a closed port: npm fails fast and never touches the network.
    const npmEnv = { npm_config_offline: 'true', npm_config_registry: 'http://127.0.0.1:9/' };
    const result = await cli(['deploy', 'my-project', '--json', '--cwd', root], { env: npmEnv });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '', 'stdout stays clean in --json mode');
    assert.match(result.stderr, /\[less-cli\] Error: npm install failed in .+ — fix the errors shown above/);
  });

  it('says how to start a server when none answers', async () => {
    const unreachable = new RegExp(`no OpenLess server answers on 127\\.0\\.0\\.1:${port} — start one with \`less-cli server start\``);
    for (const command of [['list'], ['list', '--json'], ['list', 'resources', 'p'], ['delete', 'p'], ['log', '--project', 'p', '--path', 'functions/f']]) {
      assertUserError(assert, await cli(command), unreachable);
    }
  });

  it('rejects a LESS_PORT or --port that is not a port', async () => {
    assertUserError(assert, await cli(['list'], { env: { LESS_PORT: 'abc' } }), /LESS_PORT=abc is not a port number/);
    assertUserError(assert, await cli(['server', 'status', '--port', '70000']), /--port=70000 is not a port number/);
  });

  it('checks log arguments', async () => {
    assertUserError(assert, await cli(['log', '--project', 'p']), /no function path given — pass --path/);
    assertUserError(assert, await cli(['log', '--project', 'p', '--path', 'functions/f', '--tail', 'ten']), /--tail ten is not a line count/);
  });

  it('server status and stop answer "not running" with exit code 0', async () => {
    const status = await cli(['server', 'status']);
    assert.equal(status.code, 0);
    assert.equal(status.stdout, `[less-cli] No OpenLess server is running on 127.0.0.1:${port} (LESS_HOME=${home})\n`);
    const json = await cli(['server', 'status', '--json']);
    assert.deepEqual(JSON.parse(json.stdout), { running: false, url: `http://127.0.0.1:${port}`, home });
    const stop = await cli(['server', 'stop']);
    assert.equal(stop.code, 0);
    assert.match(stop.stdout, /No OpenLess server is running/);
  });
});
