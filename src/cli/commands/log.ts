/**
 * `less-cli log --project <p> --path <function path> [--follow] [--tail N]`.
 * Lines are copied as they arrive; with --follow the server keeps the response open and
 * the command runs until Ctrl-C (default SIGINT handling: nothing to clean up).
 */
import { Command } from 'commander';
import { LessError } from '../../errors.js';
import { validateProjectName } from '../../project/names.js';
import { AdminClient } from '../client.js';
import { help, messages } from '../messages.js';
import { printLines } from '../output.js';
import { settings } from '../settings.js';
import { explainNotFound } from './list.js';

interface LogOptions {
  project: string;
  path?: string;
  function?: string;
  follow?: boolean;
  tail?: string;
}

export function logCommand(): Command {
  return new Command('log')
    .description(help.log)
    .requiredOption('--project <project>', help.logProject)
    .option('--path <path>', help.logPath)
    .option('--function <path>', help.logFunction)
    .option('--follow', help.follow)
    .option('--tail <n>', help.tail)
    .action((options: LogOptions) => log(options));
}

async function log(options: LogOptions): Promise<void> {
  const invalid = validateProjectName(options.project);
  if (invalid) throw new LessError('invalid_project_name', invalid);
  const path = (options.path ?? options.function)?.replace(/^\/+|\/+$/g, '');
  if (!path) throw new LessError('invalid_arguments', messages.logPathMissing);
  let tail: number | undefined;
  if (options.tail !== undefined) {
    if (!/^\d+$/.test(options.tail)) throw new LessError('invalid_arguments', messages.badTail(options.tail));
    tail = Number(options.tail);
  }
  const follow = options.follow === true;
  const client = new AdminClient(settings());
  const response = await client.logs(options.project, path, { follow, tail }).catch(explainNotFound(options.project));

  let received = false;
  try {
    // Node's web streams are async-iterable; the DOM typings of fetch do not say so.
    const body = (response.body ?? []) as unknown as AsyncIterable<Uint8Array>;
    for await (const chunk of body) {
      received ||= chunk.length > 0;
      process.stdout.write(chunk);
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LessError('connection_failed', messages.logStreamBroken(client.address, reason));
  }
  if (!received && !follow) printLines([messages.noLogLines(path)], process.stderr);
}
