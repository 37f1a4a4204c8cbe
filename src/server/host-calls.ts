/** The SDK calls a handler makes on the host (kvs today; topics, functions and files later). */
import { LessError } from '../errors.js';
import type { HostCall } from '../runtime/protocol.js';
import type { KeyValueStore } from '../storage/kv.js';
import type { FileService } from '../resources/files/file-service.js';

export function answerHostCall(kv: KeyValueStore, project: string, call: HostCall, files?: FileService): Promise<unknown> {
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
    case 'files.uploadUrl':
    case 'files.getUrl':
      if (!files) return Promise.reject(new LessError('internal', 'file storage is not set up on this server', { user: false }));
      return files.signedUrl(project, call.op === 'files.uploadUrl' ? 'PUT' : 'GET', call.path, call.expiresIn);
  }
}
