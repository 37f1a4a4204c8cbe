/**
 * `less-cli topics failed|retry|purge` on the admin API (docs/admin-api.md):
 *
 *   GET  /_admin/projects/<p>/topics/failed[?topic=t&subscriber=s&limit=n] → { failed: [...], more }
 *   POST /_admin/projects/<p>/topics/retry[?…]                      → { retried: n }
 *   POST /_admin/projects/<p>/topics/purge[?…]                      → { purged: n }
 *
 * `<p>` is the subscribing project: these are its queues, whoever published.
 */
import type { ServerResponse } from 'node:http';
import { LessError } from '../errors.js';
import { sendJson } from '../gateway/http-reply.js';
import type { Delivery, DeliveryFilter, TopicStore } from '../storage/topics.js';

/** Failures listed when the CLI does not say how many (`--limit`). */
const DEFAULT_LIMIT = 100;

/** A failed delivery as the CLI shows it. */
export interface FailedDelivery {
  message_id: number;
  topic: string;
  published_by: string;
  subscriber: string;
  attempts: number;
  last_error: string | null;
  published_at: string;
  next_attempt_at: string;
  message: unknown;
}

export function serveTopicsAdmin(res: ServerResponse, method: string, action: string | undefined, project: string, query: URLSearchParams, topics: TopicStore, onRetry: () => void): void {
  const filter: DeliveryFilter = { project };
  const topic = query.get('topic');
  const subscriber = query.get('subscriber');
  if (topic) filter.topic = topic;
  if (subscriber) filter.subscriber = subscriber;
  if (method === 'GET' && action === 'failed') {
    const limit = query.has('limit') ? Number(query.get('limit')) : DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) throw new LessError('bad_request', `limit must be a whole number of at least 1 (got ${query.get('limit')}), e.g. --limit 100`);
    // One more than asked for says whether there are more.
    const failed = topics.failed(filter, limit + 1);
    return sendJson(res, 200, { failed: failed.slice(0, limit).map(toFailed), more: failed.length > limit });
  }
  if (method === 'POST' && action === 'retry') {
    const retried = topics.retryNow({ ...filter, failedOnly: true }, Date.now());
    onRetry();
    return sendJson(res, 200, { retried });
  }
  if (method === 'POST' && action === 'purge') return sendJson(res, 200, { purged: topics.purge(filter) });
  throw new LessError('bad_request', `unknown topics action ${method} ${action ?? ''} — use GET failed, POST retry or POST purge`);
}

function toFailed(delivery: Delivery): FailedDelivery {
  return {
    message_id: delivery.messageId,
    topic: delivery.topic,
    published_by: delivery.fromProject,
    subscriber: delivery.functionPath,
    attempts: delivery.attempts,
    last_error: delivery.lastError,
    published_at: new Date(delivery.publishedAt).toISOString(),
    next_attempt_at: new Date(delivery.nextAt).toISOString(),
    message: JSON.parse(delivery.body) as unknown,
  };
}
