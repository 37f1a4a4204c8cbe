/** The SDK calls a handler makes on the host: kvs, topics, files and functions. */
import { LessError } from '../errors.js';
import type { HostCall } from '../runtime/protocol.js';
import type { KeyValueStore } from '../storage/kv.js';
import type { FileService } from '../resources/files/file-service.js';
import type { CloudFunctions } from '../resources/functions/cloud-functions.js';
import type { TopicService } from '../resources/topics/topic-service.js';

/** What answers host calls for one project's handlers. */
export interface HostCallServices {
  project: string;
  kv: KeyValueStore;
  topics?: TopicService;
  files?: FileService;
  /** The calling deployment's functions (old code calls old code during a swap). */
  functions?: CloudFunctions;
}

/** Async, so that whatever goes wrong (even a call the SDK never makes) is a rejection the handler sees. */
export async function answerHostCall(call: HostCall, services: HostCallServices): Promise<unknown> {
  const { project, kv, topics, files, functions } = services;
  switch (call.op) {
    case 'kvs.get':
      return kv.get(project, call.key as string);
    case 'kvs.set':
      if (call.valueJson === undefined) {
        return Promise.reject(
          new LessError('kvs_invalid_value', 'kvs.set: the value must be JSON-serialisable (not undefined, a function, a symbol, a BigInt or a structure with cycles)'),
        );
      }
      return kv.set(project, call.key as string, JSON.parse(call.valueJson), call.ttl as number | undefined);
    case 'kvs.delete':
      return kv.delete(project, call.key as string);
    case 'topics.publish':
      if (!topics) return Promise.reject(new LessError('internal', 'topics are not set up on this server', { user: false }));
      return { message_id: topics.publish(project, call.topic, call.messageJson) };
    case 'files.uploadUrl':
    case 'files.getUrl':
      if (!files) return Promise.reject(new LessError('internal', 'file storage is not set up on this server', { user: false }));
      return files.signedUrl(project, call.op === 'files.uploadUrl' ? 'PUT' : 'GET', call.path, call.expiresIn);
    case 'functions.call':
      // Only while the deployment is being swapped in can the live project be missing.
      if (!functions) return Promise.reject(new LessError('internal', 'cloud functions are not set up for this deployment', { user: false }));
      return functions.call(call);
    default:
      throw new LessError('bad_request', `unknown host call "${String((call as { op?: unknown }).op)}" — use the SDK (@chuva.io/less, or less in Python) rather than the host object`);
  }
}
