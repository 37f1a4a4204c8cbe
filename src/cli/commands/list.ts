/** `less-cli list [--json]` and `less-cli list resources <project> [--json]`. */
import { Command } from 'commander';
import { LessError, isLessError } from '../../errors.js';
import { validateProjectName } from '../../project/names.js';
import { AdminClient, type ProjectSummary } from '../client.js';
import { help, line, messages } from '../messages.js';
import { printJson, printLines, resourceLines } from '../output.js';
import { settings } from '../settings.js';

export function listCommand(): Command {
  const list = new Command('list')
    .description(help.list)
    // Both levels have --json: without this (here and on the program), `list resources p --json` would set list's.
    .enablePositionalOptions()
    .option('--json', help.json)
    .action(async (options: { json?: boolean }) => {
      const projects = await new AdminClient(settings()).projects();
      if (options.json) printJson({ projects });
      else printLines(projects.length === 0 ? [messages.noProjects] : projectTable(projects));
    });
  list
    .command('resources')
    .description(help.listResources)
    .argument('<project>', 'project name')
    .option('--json', help.json)
    .action(async (name: string, options: { json?: boolean }) => {
      const invalid = validateProjectName(name);
      if (invalid) throw new LessError('invalid_project_name', invalid);
      const resources = await new AdminClient(settings()).resources(name).catch(explainNotFound(name));
      if (options.json) printJson(resources);
      else printLines(resourceLines(resources));
    });
  return list;
}

/** The server knows the project is missing; the CLI knows which command lists the others. */
export function explainNotFound(name: string): (error: unknown) => never {
  return (error) => {
    if (isLessError(error) && error.code === 'project_not_found') {
      throw new LessError('project_not_found', messages.projectNotFound(name));
    }
    throw error;
  };
}

function projectTable(projects: ProjectSummary[]): string[] {
  const rows = [
    ['NAME', 'CREATED', 'UPDATED'],
    ...projects.map((p) => [p.name, displayTime(p.created_at), displayTime(p.updated_at)]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => line(row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()));
}

/** `2026-11-27T17:40:21.123Z` → `2026-11-27 17:40:21 UTC`: same text on every machine and locale. */
function displayTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
