// An invocation's log is one entry — START, its lines, END, one request id — whether it ends
// within one log flush (joined with others of its function path) or runs across several.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectDir, startTestServer } from '../helpers/server.mjs';

/** The entries of a function's log (each from its START line), with their request ids; asserts how many. */
function entriesOf(text, count) {
  const entries = text.trim().split(/\n(?=\S+ START )/);
  assert.equal(entries.length, count, text);
  return entries.map((entry) => {
    const lines = entry.split('\n');
    return { lines, id: lines[0].match(/^\S+ START (\S+)$/)[1] };
  });
}

test('quick and slow invocations each log one whole entry, in order, under their request id', async (t) => {
  const server = await startTestServer(t);
  const root = await projectDir({
    'less/apis/logs/run/get.js': `exports.process = async (request) => {
  const wait = Number(request.query.wait ?? 0);
  console.log('before', request.query.n);
  if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
  console.warn('after', request.query.n);
  return { body: 'ok' };
};
`,
  });
  await server.deploy('logs', root);
  // Slower than the 25 ms log flush: its lines travel in several chunks.
  const calls = [['1', 0], ['2', 120], ['3', 0], ['4', 0]];
  await Promise.all(calls.map(([n, wait]) => fetch(`${server.base}/logs/apis/logs/run?n=${n}&wait=${wait}`).then((res) => res.text())));
  // Lines reach the log store shortly after the response (logs are flushed every 25 ms).
  for (const [n] of calls) await server.waitForLog('logs', 'apis/logs/run/get', new RegExp(`WARN \\S+ after ${n}$`));
  const entries = entriesOf(await server.logs('logs', 'apis/logs/run/get'), 4);
  for (const { lines, id } of entries) {
    const n = lines[1].match(/ INFO \S+ before (\d)$/)[1];
    assert.match(lines[1], new RegExp(`^\\S+ INFO ${id} before ${n}$`));
    assert.match(lines[2], new RegExp(`^\\S+ WARN ${id} after ${n}$`));
    assert.match(lines[3], new RegExp(`^\\S+ END ${id} [\\d.]+ ms$`));
    assert.equal(lines.length, 4);
  }
  assert.deepEqual(entries.map(({ lines }) => lines[1].at(-1)).sort(), ['1', '2', '3', '4']);
});

test('lines written synchronously, after an await and from a timer each carry their own invocation', async (t) => {
  const server = await startTestServer(t);
  const root = await projectDir({
    'less/apis/logs/run/get.js': `exports.process = async (request) => {
  const n = request.query.n;
  setTimeout(() => console.log('timer', n), 5);
  console.log('sync', n);
  await new Promise((resolve) => setTimeout(resolve, 30));
  console.log('%s %d', 'awaited', Number(n));
  return { body: 'ok' };
};
`,
  });
  await server.deploy('logs', root);
  const calls = ['1', '2', '3'];
  await Promise.all(calls.map((n) => fetch(`${server.base}/logs/apis/logs/run?n=${n}`).then((res) => res.text())));
  for (const n of calls) await server.waitForLog('logs', 'apis/logs/run/get', new RegExp(`INFO \\S+ awaited ${n}$`));
  for (const { lines, id } of entriesOf(await server.logs('logs', 'apis/logs/run/get'), 3)) {
    const n = lines[1].match(/ INFO \S+ sync (\d)$/)[1];
    assert.deepEqual(
      lines.slice(1, 4).map((line) => line.replace(/^\S+ /, '')),
      [`INFO ${id} sync ${n}`, `INFO ${id} timer ${n}`, `INFO ${id} awaited ${n}`],
      lines.join('\n'),
    );
    assert.match(lines[4], new RegExp(`^\\S+ END ${id} [\\d.]+ ms$`));
  }
});

test("a TypeScript handler's stack names its .ts files and the lines as written, and no frames of OpenLess", async (t) => {
  const server = await startTestServer(t);
  const root = await projectDir({
    // Types and blank lines that the built JavaScript does not have: its lines differ.
    'less/shared/checker/index.ts': `export interface Thing {
  name: string;
}

export function check(thing: Thing): void {
  throw new Error(\`refused: \${thing.name}\`);
}
`,
    'less/apis/ts/fail/get.ts': `import { check } from 'checker';

type Query = Record<string, string>;

export const process = async (request: { query: Query }) => {
  check({ name: request.query.n ?? 'x' });
};
`,
  });
  await server.deploy('ts', root);
  const res = await fetch(`${server.base}/ts/apis/ts/fail?n=a`);
  assert.equal(res.status, 500);
  const { request_id: id } = await res.json();
  await server.waitForLog('ts', 'apis/ts/fail/get', new RegExp(`END ${id} `));
  const [{ lines }] = entriesOf(await server.logs('ts', 'apis/ts/fail/get'), 1);
  assert.match(lines[1], new RegExp(`^\\S+ ERROR ${id} Error: refused: a$`));
  assert.match(lines[2], /^ {4}at check \(less\/shared\/checker\/index\.ts:6:9\)$/);
  assert.match(lines[3], /^ {4}at Object\.process \(less\/apis\/ts\/fail\/get\.ts:6:3\)$/);
  // OpenLess's own frames under the handler's (runApi, runHandler, AsyncLocalStorage.run) are left out.
  assert.match(lines[4], new RegExp(`^\\S+ END ${id} `), lines.join('\n'));
});
