/**
 * One executor per language behind the Executor interface: each function path goes to
 * the executor of its handler's language. A project in one language gets that language's
 * executor itself, with no routing step on its hot path.
 */
import type { Handler } from '../project/types.js';
import { InvocationFailure, type Completion, type Executor } from './executor.js';
import type { Invocation } from './protocol.js';

export type Runtime = 'javascript' | 'python';

/** TypeScript is built to JavaScript at deploy time and runs in the JavaScript executor. */
export function runtimeOf(handler: Handler): Runtime {
  return handler.language === 'python' ? 'python' : 'javascript';
}

/**
 * The executor for these handlers; `create` is called once for each runtime in use
 * (a project without handlers gets a JavaScript executor that never starts a worker).
 */
export function executorFor(handlers: Handler[], create: Record<Runtime, () => Executor>): Executor {
  const byRuntime = new Map<Runtime, Executor>();
  const byPath = new Map<string, Executor>();
  for (const handler of handlers) {
    const runtime = runtimeOf(handler);
    let executor = byRuntime.get(runtime);
    if (!executor) byRuntime.set(runtime, (executor = create[runtime]()));
    byPath.set(handler.functionPath, executor);
  }
  if (byRuntime.size === 0) return create.javascript();
  if (byRuntime.size === 1) return [...byRuntime.values()][0]!;
  return new LanguageRouter(byPath, [...byRuntime.values()]);
}

export class LanguageRouter implements Executor {
  constructor(
    private readonly byPath: ReadonlyMap<string, Executor>,
    private readonly executors: readonly Executor[],
  ) {}

  /** A sequence stays within each executor: the gateway sends a connection's frames to one runtime at a time. */
  invoke(functionPath: string, requestId: string, invocation: Invocation, done: Completion, sequence?: string): void {
    const executor = this.byPath.get(functionPath);
    if (!executor) return done(new InvocationFailure('error', `no handler deployed at ${functionPath}`));
    executor.invoke(functionPath, requestId, invocation, done, sequence);
  }

  async retire(): Promise<void> {
    await Promise.all(this.executors.map((executor) => executor.retire()));
  }
}
