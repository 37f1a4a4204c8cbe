/**
 * The admin HTTP client (docs/admin-api.md). Every answer that is not a success becomes a
 * LessError with the server's code, so commands handle errors by code, never by text.
 */
import { readFile } from 'node:fs/promises';
import { LessError, type ErrorCode, type Problem } from '../errors.js';
import { messages } from './messages.js';
import { connectHost, hostPort, tokenFile, type Settings } from './settings.js';
import type { FailedDelivery } from '../server/admin-topics.js';

/** What `deploy --json` prints and `GET /_admin/projects/<name>` answers. */
export interface Resources {
  project: string;
  apis: Record<string, string>;
  sockets: Record<string, string>;
  topics: string | null;
  functions: string | null;
  statics: Record<string, string>;
  /** Only from `list resources`: each cron's schedule and next run (ISO, UTC; null: never again). */
  crons?: Record<string, { schedule: string; next_run: string | null }>;
}

export interface ServerStatus {
  pid: number;
  port: number;
  host: string;
  home: string;
  version: string;
}

export interface ProjectSummary {
  name: string;
  created_at: string;
  updated_at: string;
}

/** Network failures meaning "nobody listens there", as opposed to a connection that broke. */
const STATUS_LIMIT_MS = 5_000;

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EADDRNOTAVAIL', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

export class AdminClient {
  readonly address: string;
  private readonly baseUrl: string;

  constructor(private readonly settings: Settings) {
    this.address = hostPort(connectHost(settings.host), settings.port);
    this.baseUrl = `http://${this.address}`;
  }

  /**
   * Time-limited, unlike every other call: it decides whether a server runs, and a port
   * held by something that accepts connections but never answers must not hang the CLI.
   */
  status(): Promise<ServerStatus> {
    return this.json('GET', '/_admin/status', undefined, STATUS_LIMIT_MS);
  }

  deploy(name: string, root: string, env: Record<string, string>): Promise<Resources> {
    return this.json('POST', `/_admin/projects/${encodeURIComponent(name)}`, { root, env });
  }

  async projects(): Promise<ProjectSummary[]> {
    const answer = await this.json<{ projects: ProjectSummary[] }>('GET', '/_admin/projects');
    return answer.projects;
  }

  resources(name: string): Promise<Resources> {
    return this.json('GET', `/_admin/projects/${encodeURIComponent(name)}`);
  }

  remove(name: string): Promise<{ deleted: string }> {
    return this.json('DELETE', `/_admin/projects/${encodeURIComponent(name)}`);
  }

  shutdown(): Promise<{ stopping: boolean }> {
    return this.json('POST', '/_admin/shutdown');
  }

  topicsFailed(name: string, filter: { topic?: string; subscriber?: string; limit?: string }): Promise<{ failed: FailedDelivery[]; more: boolean }> {
    return this.json('GET', `/_admin/projects/${encodeURIComponent(name)}/topics/failed?${new URLSearchParams(filter)}`);
  }

  topicsAction(name: string, action: 'retry' | 'purge', filter: { topic?: string; subscriber?: string }): Promise<{ retried?: number; purged?: number }> {
    return this.json('POST', `/_admin/projects/${encodeURIComponent(name)}/topics/${action}?${new URLSearchParams(filter)}`);
  }

  /** The raw log response; its body streams while `follow` keeps it open. */
  logs(name: string, path: string, options: { follow: boolean; tail?: number }): Promise<Response> {
    const query = new URLSearchParams({ path });
    if (options.follow) query.set('follow', '1');
    if (options.tail !== undefined) query.set('tail', String(options.tail));
    return this.send('GET', `/_admin/projects/${encodeURIComponent(name)}/logs?${query}`);
  }

  private async json<T>(method: string, path: string, body?: unknown, limitMs?: number): Promise<T> {
    const response = await this.send(method, path, body, limitMs);
    try {
      return (await response.json()) as T;
    } catch {
      throw new LessError('port_in_use', messages.notOpenLess(this.address, response.status));
    }
  }

  private async send(method: string, path: string, body?: unknown, limitMs?: number): Promise<Response> {
    // Read the token on every request: a server started a moment ago has just written it.
    const token = await readToken(this.settings.home);
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: limitMs === undefined ? undefined : AbortSignal.timeout(limitMs),
      });
    } catch (error) {
      if ((error as Error | null)?.name === 'TimeoutError') {
        throw new LessError('connection_failed', messages.noAnswer(this.address, (limitMs ?? 0) / 1000));
      }
      throw this.networkError(error);
    }
    if (!response.ok) throw await this.answerError(response);
    return response;
  }

  private networkError(error: unknown): LessError {
    const code = causeCode(error);
    if (code && UNREACHABLE.has(code)) {
      return new LessError('server_unreachable', messages.serverUnreachable(this.address));
    }
    // Without a code (e.g. fetch refusing a "bad port"), the cause's text is the best reason.
    const reason = code ?? causeMessage(error) ?? (error instanceof Error ? error.message : String(error));
    return new LessError('connection_failed', messages.connectionFailed(this.address, reason));
  }

  private async answerError(response: Response): Promise<LessError> {
    if (response.status === 401) {
      return new LessError('unauthorized', messages.unauthorized(this.address, tokenFile(this.settings.home)));
    }
    const text = await response.text().catch(() => '');
    const error = parseErrorBody(text);
    if (error) return error;
    if (response.status >= 500) return new LessError('internal', messages.serverError(response.status));
    return new LessError('port_in_use', messages.notOpenLess(this.address, response.status));
  }
}

async function readToken(home: string): Promise<string | undefined> {
  try {
    return (await readFile(tokenFile(home), 'utf8')).trim();
  } catch {
    // No token file: the request goes out without one and a server answers 401,
    // which is reported with the token's location.
    return undefined;
  }
}

/** `{"error":{"code","message","problems"}}` → LessError, or undefined for any other body. */
function parseErrorBody(text: string): LessError | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown; problems?: unknown } } | null)?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') return undefined;
  const problems = Array.isArray(error.problems) ? (error.problems as Problem[]) : [];
  // The server only sends codes from the shared ErrorCode list (docs/errors.md).
  return new LessError(error.code as ErrorCode, error.message, { problems });
}

/** fetch wraps socket errors in `cause`; happy-eyeballs may wrap them once more. */
function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } } | null)?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}

function causeMessage(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof Error ? cause.message : undefined;
}
