#!/usr/bin/env node
// Entry point of `less-cli`; the CLI itself is compiled TypeScript in dist/cli.
import { main } from '../dist/cli/main.js';

await main();
