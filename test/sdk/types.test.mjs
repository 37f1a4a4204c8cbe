// The SDK's type definitions type-check the guide's handlers written in TypeScript.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const sdkTypes = fileURLToPath(new URL('../../sdk/node/index.d.ts', import.meta.url));

function diagnosticsOf(source) {
  return mkdtemp(join(tmpdir(), 'openless-types-')).then(async (dir) => {
    try {
      const file = join(dir, 'handler.ts');
      await writeFile(file, source);
      const program = ts.createProgram([file], {
        strict: true,
        noEmit: true,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        types: [],
        baseUrl: dir,
        paths: { '@chuva.io/less': [sdkTypes] },
      });
      return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('the guide handlers type-check against @chuva.io/less', async () => {
  const diagnostics = await diagnosticsOf(`
    import { kvs, sockets } from '@chuva.io/less';
    export const connect = async ({ connection_id }: { connection_id: string }) => {
      await kvs.set('DEMO_SOCKET_CONNECTION_ID', connection_id);
    };
    export const hello = async (request: unknown, response: { statusCode: number }) => {
      const id = await kvs.get<string>('DEMO_SOCKET_CONNECTION_ID');
      await sockets.demo.publish('Hello from POST /hello', [id ?? '']);
      await kvs.set('counter', 1, 60);
      await kvs.delete('counter');
      response.statusCode = 204;
      return response;
    };
  `);
  assert.deepEqual(diagnostics, []);
});

test('misuse is a type error', async () => {
  const diagnostics = await diagnosticsOf(`
    import { kvs, sockets } from '@chuva.io/less';
    export const bad = async () => {
      await kvs.set('k', 1, '60');
      await sockets.demo.publish('x', 'not-an-array');
    };
  `);
  assert.equal(diagnostics.length, 2, diagnostics.join('\n'));
});

test('functions.<name>(payload) type-checks, with the result type given or JSON by default', async () => {
  const diagnostics = await diagnosticsOf(`
    import { functions, type JsonValue } from '@chuva.io/less';
    export const handler = async () => {
      const sum = await functions.add<{ sum: number }>({ a: 1, b: 2 });
      const anything: JsonValue = await functions.echo('x');
      await functions.tick();
      return sum.sum + 1 + String(anything).length;
    };
  `);
  assert.deepEqual(diagnostics, []);
});
