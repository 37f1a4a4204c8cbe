/** `less-cli delete <project>`. */
import { Command } from 'commander';
import { LessError } from '../../errors.js';
import { validateProjectName } from '../../project/names.js';
import { AdminClient } from '../client.js';
import { help, messages } from '../messages.js';
import { printLines } from '../output.js';
import { settings } from '../settings.js';
import { explainNotFound } from './list.js';

export function deleteCommand(): Command {
  return new Command('delete')
    .description(help.delete)
    .argument('<project>', 'project name')
    .action(async (name: string) => {
      const invalid = validateProjectName(name);
      if (invalid) throw new LessError('invalid_project_name', invalid);
      await new AdminClient(settings()).remove(name).catch(explainNotFound(name));
      printLines([messages.deleted(name)]);
    });
}
