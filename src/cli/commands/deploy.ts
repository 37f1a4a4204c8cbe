/**
 * `less-cli deploy <project> [--json]`: everything that can be checked locally is checked
 * before a server is contacted (or started), so a typo never costs a server start.
 */
import { Command, Option } from 'commander';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LessError } from '../../errors.js';
import { loadProject } from '../../project/load.js';
import { validateProjectName } from '../../project/names.js';
import type { Project } from '../../project/types.js';
import { ensureServer } from '../background.js';
import { AdminClient } from '../client.js';
import { npmInstall } from '../dependencies.js';
import { deployProgress, help, messages } from '../messages.js';
import { printJson, printLines, resourceLines } from '../output.js';
import { settings } from '../settings.js';

interface DeployOptions {
  json?: boolean;
  cwd?: string;
}

export function deployCommand(): Command {
  return new Command('deploy')
    .description(help.deploy)
    .argument('<project>', 'project name: lowercase letters, digits and -')
    .option('--json', help.json)
    // Hidden: npm scripts and tests deploy a folder without cd-ing into it.
    .addOption(new Option('--cwd <dir>', help.cwd).hideHelp())
    .action((name: string, options: DeployOptions) => deploy(name, options));
}

async function deploy(name: string, options: DeployOptions): Promise<void> {
  const invalid = validateProjectName(name);
  if (invalid) {
    // `deploy ./my-app`: the folder is the current one, the argument is the name it gets.
    const pathHint = /[/\\]/.test(name) ? '; deploy takes the name the project gets and deploys the current folder: run it inside the project folder (the one holding less/)' : '';
    throw new LessError('invalid_project_name', invalid + pathHint);
  }
  const s = settings();
  const root = resolve(options.cwd ?? process.cwd());
  if (!(await isDirectory(root))) throw new LessError('project_dir_not_found', messages.projectDirMissing(root));
  if (!(await isDirectory(join(root, 'less')))) {
    throw new LessError('project_dir_not_found', messages.lessFolderMissing(root));
  }
  // In --json mode stdout holds the resources object alone; side notes go to stderr.
  const progress = (lines: string[]) => {
    if (!options.json) printLines(lines);
  };
  const notes = (lines: string[]) => printLines(lines, options.json ? process.stderr : process.stdout);

  progress([deployProgress.building]);
  const project = await loadProject(root);
  const env = deployEnv(project);
  if (project.hasDependencies && !(await isDirectory(join(root, 'node_modules')))) await npmInstall(root);
  progress([deployProgress.built, deployProgress.deploying]);

  await ensureServer(s, notes);
  const client = new AdminClient(s);
  const resources = await client.deploy(name, root, env);
  if (options.json) printJson(resources);
  // The deploy answer keeps the SPEC 5 shape; the crons' next runs come with `list resources`.
  else progress([deployProgress.deployed, ...resourceLines(project.crons.length > 0 ? await client.resources(name) : resources)]);
}

/**
 * The variables the deployed project gets from this shell: every `env_vars` entry (required),
 * plus the optional ones the SPEC resolves by name — cron schedules `CRON_<NAME>` and
 * external topic apps `<APP>` — when set. Whether a cron lacks a schedule is the server's
 * rule to enforce, so it is not duplicated here.
 */
function deployEnv(project: Project): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of project.envVars) {
    const value = process.env[name];
    if (value === undefined) throw new LessError('missing_env_var', messages.envVarMissing(name));
    env[name] = value;
  }
  const optional = [
    ...project.crons.map((cron) => `CRON_${cron.name.toUpperCase()}`),
    ...project.externalTopics.map((topic) => topic.app.toUpperCase().replace(/-/g, '_')),
  ];
  for (const name of optional) {
    const value = process.env[name];
    if (value !== undefined && !(name in env)) env[name] = value;
  }
  return env;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
