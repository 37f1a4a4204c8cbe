import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { errorCode } from './folders.js';
import type { ProblemList } from './problems.js';

export const CONFIG_FILE = 'less.config';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EXAMPLE = 'env_vars: [API_KEY, DATABASE_URL]';

export interface LessConfig {
  /** Names of the environment variables the project reads, sorted, without duplicates. */
  envVars: string[];
}

/**
 * Reads the optional `<root>/less.config`. Keys other than `env_vars` are ignored: the hosted
 * Less config may grow new keys, and a project using them must still deploy here.
 */
export async function readConfig(root: string, problems: ProblemList): Promise<LessConfig> {
  let text: string;
  try {
    text = await readFile(join(root, CONFIG_FILE), 'utf8');
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') {
      problems.add(CONFIG_FILE, `cannot be read (${errorCode(error)})`, `make it a readable YAML file, e.g. ${EXAMPLE}`);
    }
    return { envVars: [] };
  }

  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const [syntax] = doc.errors;
  if (syntax) {
    // Later errors are usually echoes of the first one, so only that one is reported.
    const line = syntax.linePos?.[0].line;
    const what = syntax.message.split(' at line ')[0];
    problems.add(CONFIG_FILE, `is not valid YAML${line ? ` (line ${line})` : ''}: ${what}`, `correct the YAML${line ? ` at line ${line}` : ''}, e.g. ${EXAMPLE}`);
    return { envVars: [] };
  }
  const at = (node: Node | null | undefined): string => {
    const offset = node?.range?.[0];
    return offset === undefined ? '' : ` (line ${lines.linePos(offset).line})`;
  };

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return { envVars: [] };
  if (!isMap(doc.contents)) {
    problems.add(CONFIG_FILE, `must be a YAML mapping${at(doc.contents)}`, `write it as key: value lines, e.g. ${EXAMPLE}`);
    return { envVars: [] };
  }
  const list = doc.contents.get('env_vars', true);
  if (list === undefined || (isScalar(list) && list.value === null)) return { envVars: [] };
  if (!isSeq(list)) {
    problems.add(CONFIG_FILE, `env_vars must be a list of names${at(list as Node)}`, `write it as a list, e.g. ${EXAMPLE}`);
    return { envVars: [] };
  }

  const names = new Set<string>();
  for (const item of list.items) {
    const value = isScalar(item) ? item.value : undefined;
    if (typeof value !== 'string' || !ENV_NAME.test(value)) {
      const shown = isScalar(item) ? JSON.stringify(value) : 'a nested value';
      problems.add(CONFIG_FILE, `env_vars entry ${shown}${at(item as Node)} is not a variable name`, `use names matching ${ENV_NAME.source}, e.g. API_KEY`);
    } else if (value.startsWith('AWS_')) {
      // As in Less (which runs on AWS Lambda): AWS_* names are reserved by the platform.
      problems.add(CONFIG_FILE, `env_vars entry ${value}${at(item as Node)} uses the reserved prefix AWS_`, `rename the variable, e.g. ${`MY_${value.slice(4)}`}`);
    } else {
      names.add(value);
    }
  }
  return { envVars: [...names].sort() };
}
