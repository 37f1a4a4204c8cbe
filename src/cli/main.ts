/**
 * `less-cli`: commander wiring only. Each command lives in commands/<name>.ts, every
 * sentence in messages.ts; this file turns a thrown error into the one-line report and
 * exit code 1.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { deleteCommand } from './commands/delete.js';
import { deployCommand } from './commands/deploy.js';
import { listCommand } from './commands/list.js';
import { logCommand } from './commands/log.js';
import { serverCommand } from './commands/server.js';
import { topicsCommand } from './commands/topics.js';
import { help, messages } from './messages.js';
import { errorLines, printLines } from './output.js';

function version(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export function program(): Command {
  return reportUsageErrors(new Command('less-cli')
    .description(help.program)
    .version(version())
    .addHelpText('after', help.env)
    // Lets `list` and `list resources` both own a --json (see commands/list.ts): each level
    // hands everything after its subcommand's name to that subcommand.
    .enablePositionalOptions()
    .addCommand(deployCommand())
    .addCommand(listCommand())
    .addCommand(logCommand())
    .addCommand(deleteCommand())
    .addCommand(serverCommand())
    .addCommand(topicsCommand()));
}

/**
 * Commander's own usage errors (an unknown option or command, a missing argument) in the shape
 * of every other error, with where to look: `[less-cli] Error: <what> — <fix>`. Set on each
 * command, as commands added with addCommand do not inherit it.
 */
function reportUsageErrors(command: Command): Command {
  command.configureOutput({ outputError: (text, write) => write(`${messages.usageError(text, commandPath(command))}\n`) });
  for (const subcommand of command.commands) reportUsageErrors(subcommand);
  return command;
}

function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    // Commander prints its own usage errors and exits with code 1.
    await program().parseAsync(argv);
  } catch (error) {
    printLines(errorLines(error), process.stderr);
    // Exit now rather than when the event loop drains: a half-started resource must not
    // keep a failed command hanging. The report is a few short lines, written before exit
    // (synchronously to files, TTYs and Linux pipes; within one pipe buffer elsewhere).
    process.exit(1);
  }
}
