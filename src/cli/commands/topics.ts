/** `less-cli topics failed|retry|purge --project <p> [--topic t] [--subscriber s]` (docs/topics.md); `failed` takes `--limit n`. */
import { Command } from 'commander';
import { LessError } from '../../errors.js';
import { validateProjectName } from '../../project/names.js';
import { AdminClient } from '../client.js';
import { help, messages } from '../messages.js';
import { printJson, printLines } from '../output.js';
import { settings } from '../settings.js';
import { explainNotFound } from './list.js';

interface Flags {
  project: string;
  topic?: string;
  subscriber?: string;
  limit?: string;
  json?: boolean;
}

export function topicsCommand(): Command {
  const topics = new Command('topics').description(help.topics);
  const sub = (name: string, description: string, action: (client: AdminClient, flags: Flags) => Promise<void>) =>
    topics
      .command(name)
      .description(description)
      .requiredOption('--project <project>', help.topicsProject)
      .option('--topic <topic>', help.topicsTopic)
      .option('--subscriber <subscriber>', help.topicsSubscriber)
      .option('--json', help.json)
      .action(async (flags: Flags) => {
        const invalid = validateProjectName(flags.project);
        if (invalid) throw new LessError('invalid_project_name', invalid);
        await action(new AdminClient(settings()), flags).catch(explainNotFound(flags.project));
      });
  sub('failed', help.topicsFailed, async (client, flags) => {
    const { failed, more } = await client.topicsFailed(flags.project, { ...filterOf(flags), ...(flags.limit ? { limit: flags.limit } : {}) });
    if (flags.json) return printJson(failed);
    if (failed.length === 0) return printLines([messages.noFailedMessages(flags.project)]);
    printLines([
      ...failed.flatMap((f) => [
        messages.failedMessage(f.topic, f.subscriber, f.message_id, f.attempts, f.published_at, f.next_attempt_at),
        messages.failedError(f.last_error ?? ''),
      ]),
      ...(more ? [messages.moreFailed(failed.length)] : []),
    ]);
  }).option('--limit <n>', help.topicsLimit);
  sub('retry', help.topicsRetry, async (client, flags) => {
    const { retried } = await client.topicsAction(flags.project, 'retry', filterOf(flags));
    if (flags.json) return printJson({ retried });
    printLines([messages.retried(retried ?? 0)]);
  });
  sub('purge', help.topicsPurge, async (client, flags) => {
    const { purged } = await client.topicsAction(flags.project, 'purge', filterOf(flags));
    if (flags.json) return printJson({ purged });
    printLines([messages.purged(purged ?? 0)]);
  });
  return topics;
}

function filterOf(flags: Flags): { topic?: string; subscriber?: string } {
  return { ...(flags.topic ? { topic: flags.topic } : {}), ...(flags.subscriber ? { subscriber: flags.subscriber } : {}) };
}
