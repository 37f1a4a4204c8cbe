/**
 * Client → server frames: `{"channel": "<name>", "data": <any JSON>}`. Anything else is
 * answered with one error frame `{"error": "<code>", "message": "<human text>"}` and
 * never reaches a handler (SPEC 2.2; codes listed in docs/errors.md).
 */
import type { Handler, Socket } from '../project/types.js';
import type { Outcome } from '../runtime/invoker.js';
import type { Frame } from './connections.js';

export type SocketErrorCode = 'invalid_json' | 'invalid_message' | 'channel_not_found' | 'binary_not_supported' | 'internal_error';

const SHAPE = 'send a text frame holding JSON {"channel": "<name>", "data": <any JSON>}';

function reply(error: SocketErrorCode, message: string, extra: Record<string, string> = {}): { reply: string } {
  return { reply: JSON.stringify({ error, message, ...extra }) };
}

/** A frame for a channel: its handler, its `data`, and the frame's text (JSON) it came from. */
export interface ChannelFrame {
  handler: Handler;
  data: unknown;
  text: string;
}

export function parseFrame(frame: Frame, socket: Socket): { reply: string } | ChannelFrame {
  if (frame.isBinary) return reply('binary_not_supported', `binary frames are not supported; ${SHAPE}`);
  const text = frame.data.toString();
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return reply('invalid_json', `the frame is not valid JSON; ${SHAPE}`);
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    return reply('invalid_message', `the message must be a JSON object; ${SHAPE}`);
  }
  const { channel, data } = message as { channel?: unknown; data?: unknown };
  if (typeof channel !== 'string') {
    return reply('invalid_message', `"channel" is missing or not a string; ${SHAPE}`);
  }
  // Own properties only: "constructor" or "__proto__" are not channels either.
  const handler = Object.hasOwn(socket.channels, channel) ? socket.channels[channel] : undefined;
  if (!handler) {
    const known = Object.keys(socket.channels);
    const list = known.length > 0 ? `channels: ${known.join(', ')}` : 'this socket has no channels';
    const note = channel === 'connect' || channel === 'disconnect' ? ` ("${channel}" is an event handler, not a channel)` : '';
    return reply('channel_not_found', `socket "${socket.name}" has no channel "${channel}"${note}; ${list}`);
  }
  return { handler, data, text };
}

/** A channel handler that threw or timed out: the client learns the request id, the log has the stack. */
export function failureFrame(outcome: Extract<Outcome, { ok: false }>, project: string, functionPath: string): string {
  const what = outcome.failure.kind === 'timeout' ? outcome.failure.message : 'the channel handler failed';
  return reply('internal_error', `${what}; see \`less-cli log --project ${project} --path ${functionPath}\``, {
    request_id: outcome.requestId,
  }).reply;
}
