#!/usr/bin/env node
// Entry point of `less-cli`; the CLI itself is compiled TypeScript in dist/cli.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  // A git checkout before its first build: say so instead of a module-resolution stack.
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(`[less-cli] Error: OpenLess is not built yet — run \`npm run build\` in ${root}\n`);
  process.exit(1);
}
await (await import(main.href)).main();
