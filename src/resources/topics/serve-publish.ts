/**
 * The topics REST API (SPEC 2.4): `POST <project base>/topics/<topic>` with a JSON body
 * publishes it: 202 `{"message_id": n}` once it is stored; 404 unknown topic, 400 a body
 * that is not JSON, 413 over 256 KiB, 405 other methods. CORS as the APIs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORS, preflight, readBody } from '../../gateway/api-gateway.js';
import { sendJson } from '../../gateway/http-reply.js';
import { isLessError } from '../../errors.js';
import type { LiveProject } from '../../server/live-project.js';
import { checkTopic, MAX_MESSAGE_BYTES, type TopicService } from './topic-service.js';

export async function servePublish(req: IncomingMessage, res: ServerResponse, live: LiveProject, topicSegments: string[], topics: TopicService): Promise<void> {
  const [encoded = '', ...extra] = topicSegments;
  let topic: string;
  try {
    topic = decodeURIComponent(encoded);
  } catch {
    topic = encoded;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  // Before the topic check: a browser rejects any preflight that is not 2xx, and would
  // then report a CORS failure instead of the 404's reason.
  if (method === 'OPTIONS') return preflight(req, res, ['POST']);
  try {
    if (extra.length > 0) checkTopic(live.deployment, `${topic}/${extra.join('/')}`);
    checkTopic(live.deployment, topic);
  } catch (error) {
    if (isLessError(error)) return sendJson(res, 404, { error: 'Not Found', message: error.message }, CORS);
    throw error;
  }
  if (method !== 'POST') {
    return sendJson(res, 405, { error: 'Method Not Allowed', message: `publish with POST and a JSON body` }, { ...CORS, Allow: 'POST' });
  }
  const body = await readBody(req, MAX_MESSAGE_BYTES);
  if (body === undefined) {
    return sendJson(res, 413, { error: 'Payload Too Large', message: `a topic message is at most ${MAX_MESSAGE_BYTES} bytes (256 KiB)` }, CORS);
  }
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return sendJson(res, 400, { error: 'Bad Request', message: `the body must be JSON (${reason}); send e.g. {"user_id": 1} with Content-Type: application/json` }, CORS);
  }
  const id = topics.publish(live.name, topic, JSON.stringify(message));
  sendJson(res, 202, { message_id: id }, CORS);
}
