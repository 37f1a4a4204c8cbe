/**
 * Where the Python side lives. The .py files are not compiled by tsc, so they are found
 * in src/ relative to the package root (package.json "files" ships them), from
 * dist/runtime/python/ where this module runs.
 */
import { fileURLToPath } from 'node:url';

/** The interpreter for Python handlers and the deploy-time syntax check: `python3`, or `$LESS_PYTHON` (e.g. a venv's python). */
export function pythonCommand(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.LESS_PYTHON?.trim();
  return configured ? configured : 'python3';
}

export const MIN_PYTHON: readonly [number, number] = [3, 8];

const pythonSources = new URL('../../../src/runtime/python/', import.meta.url);
export const workerScript = fileURLToPath(new URL('worker.py', pythonSources));
export const syntaxCheckScript = fileURLToPath(new URL('check_syntax.py', pythonSources));
export const pythonSdkDir = fileURLToPath(new URL('../../../sdk/python', import.meta.url));
