/**
 * How a batch of protocol messages crosses between the gateway thread and a handler worker.
 *
 * A batch is one string: postMessage clones one flat string far faster than a tree of
 * small objects. The messages of every WebSocket frame — an event invocation one way, a
 * publish and a result without a value the other — have a compact form: a tag letter and
 * fields joined by US, with no envelope to stringify and parse. A channel frame's invocation
 * (`f`) carries the frame's own text: the worker takes `data` from it, so the gateway does not
 * serialise again what it has just parsed. (As JSON of the whole batch,
 * stringify and parse were about a fifth of the server's CPU per frame in a profile; now what is
 * left is the frame's own data, about a third of that.) Every other message is `j` and its JSON.
 * Messages are joined by RS. Neither separator can occur inside a field: JSON text never
 * holds a raw control character, names and request ids are of a known alphabet, and the
 * SDK drops connection ids that hold control characters (no connection has one).
 *
 * A batch holding bytes (an API body set to a Buffer) cannot be text and goes as objects;
 * the receiver accepts both.
 */
import type { FromExecutor, ToExecutor } from '../protocol.js';

export type WireBatch<T> = string | T[];

const RS = '\x1e';
const US = '\x1f';

/** Control characters, which the compact form cannot carry in an id. */
export const CONTROL_CHARACTER = /[\x00-\x1f]/;

export function encodeToExecutor(batch: ToExecutor[]): string {
  let wire = '';
  for (let i = 0; i < batch.length; i++) {
    const message = batch[i]!;
    let encoded: string | undefined;
    if (message.t === 'invoke' && message.invocation.kind === 'event') {
      const { invocation } = message;
      const head = `${message.id}${US}${message.requestId}${US}${message.functionPath}${US}${message.after ?? ''}${US}`;
      if (invocation.frame !== undefined) {
        // A channel frame: its own text goes, and the worker takes `data` from it.
        encoded = `f${head}${(invocation.payload as { connection_id: string }).connection_id}${US}${invocation.frame}`;
      } else {
        const payloadJson = JSON.stringify(invocation.payload);
        if (payloadJson !== undefined) encoded = `e${head}${payloadJson}`;
      }
    }
    wire += (i === 0 ? '' : RS) + (encoded ?? `j${JSON.stringify(message)}`);
  }
  return wire;
}

export function decodeToExecutor(wire: WireBatch<ToExecutor>): ToExecutor[] {
  if (typeof wire !== 'string') return wire;
  return wire.split(RS).map((text): ToExecutor => {
    const tag = text.charCodeAt(0);
    if (tag !== 0x65 /* e */ && tag !== 0x66 /* f */) return JSON.parse(text.slice(1)) as ToExecutor;
    const idEnd = text.indexOf(US);
    const requestIdEnd = text.indexOf(US, idEnd + 1);
    const pathEnd = text.indexOf(US, requestIdEnd + 1);
    const afterEnd = text.indexOf(US, pathEnd + 1);
    let payload: unknown;
    if (tag === 0x65) {
      payload = JSON.parse(text.slice(afterEnd + 1));
    } else {
      const idsEnd = text.indexOf(US, afterEnd + 1);
      const connectionId = text.slice(afterEnd + 1, idsEnd);
      const { data } = JSON.parse(text.slice(idsEnd + 1)) as { data?: unknown };
      // As JSON would carry it: a frame without `data` gives a payload without the key.
      payload = data === undefined ? { connection_id: connectionId } : { connection_id: connectionId, data };
    }
    return {
      t: 'invoke',
      id: Number(text.slice(1, idEnd)),
      requestId: text.slice(idEnd + 1, requestIdEnd),
      functionPath: text.slice(requestIdEnd + 1, pathEnd),
      invocation: { kind: 'event', payload },
      after: afterEnd > pathEnd + 1 ? Number(text.slice(pathEnd + 1, afterEnd)) : undefined,
    };
  });
}

export function encodeFromExecutor(batch: FromExecutor[], holdsBytes: boolean): WireBatch<FromExecutor> {
  if (holdsBytes) return batch;
  let wire = '';
  for (let i = 0; i < batch.length; i++) {
    const message = batch[i]!;
    let encoded: string;
    if (message.t === 'publish') encoded = `p${message.socket}${US}${message.messageJson}${message.ids.length > 0 ? US + message.ids.join(US) : ''}`;
    else if (message.t === 'result' && message.ok && message.value === undefined) encoded = `r${message.id}`;
    else encoded = `j${JSON.stringify(message)}`;
    wire += (i === 0 ? '' : RS) + encoded;
  }
  return wire;
}

export function decodeFromExecutor(wire: WireBatch<FromExecutor>): FromExecutor[] {
  const messages: FromExecutor[] = [];
  forEachFromExecutor(wire, (message) => messages.push(message));
  return messages;
}

/**
 * Calls `visit` with each message of a batch from a worker, in order. The gateway thread reads
 * the batch in place (fields sliced straight from it), without the arrays and intermediate
 * strings of splitting it: what it allocates per message it also has to collect.
 */
export function forEachFromExecutor(wire: WireBatch<FromExecutor>, visit: (message: FromExecutor) => void): void {
  if (typeof wire !== 'string') {
    for (const message of wire) visit(message);
    return;
  }
  let start = 0;
  while (start < wire.length) {
    let end = wire.indexOf(RS, start);
    if (end < 0) end = wire.length;
    switch (wire.charCodeAt(start)) {
      case 0x72 /* r */:
        visit({ t: 'result', id: Number(wire.slice(start + 1, end)), ok: true, value: undefined });
        break;
      case 0x70 /* p */: {
        const socketEnd = wire.indexOf(US, start + 1);
        let messageEnd = wire.indexOf(US, socketEnd + 1);
        if (messageEnd < 0 || messageEnd > end) messageEnd = end;
        let ids: string[];
        const firstIdEnd = messageEnd < end ? wire.indexOf(US, messageEnd + 1) : -1;
        if (messageEnd >= end) ids = [];
        else if (firstIdEnd < 0 || firstIdEnd > end) ids = [wire.slice(messageEnd + 1, end)]; // the usual reply: one id
        else {
          ids = [];
          for (let idStart = messageEnd + 1; idStart <= end; ) {
            let idEnd = wire.indexOf(US, idStart);
            if (idEnd < 0 || idEnd > end) idEnd = end;
            ids.push(wire.slice(idStart, idEnd));
            idStart = idEnd + 1;
          }
        }
        visit({ t: 'publish', socket: wire.slice(start + 1, socketEnd), messageJson: wire.slice(socketEnd + 1, messageEnd), ids });
        break;
      }
      default:
        visit(JSON.parse(wire.slice(start + 1, end)) as FromExecutor);
    }
    start = end + 1;
  }
}
