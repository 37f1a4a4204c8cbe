/**
 * Routes everything arriving on the one port: `/_admin/…` to the admin API,
 * `/<project>/apis/<api>/…` to REST APIs, `ws://…/<project>/sockets/<socket>` upgrades
 * to the socket gateway, `/<project>/statics/<site>/…` to static sites and
 * `/<project>/files/…` to file storage, `/<project>/functions/<name>` to cloud functions and
 * `/<project>/topics/<topic>` to topic publishing (SPEC section 4).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { LiveProject, ProjectLookup } from '../server/live-project.js';
import { serveApi, type ApiLimits } from './api-gateway.js';
import { nameList } from '../errors.js';
import { refuseUpgrade, sendJson, unknownProject, unknownSocket } from './http-reply.js';
import type { SocketGateway } from './socket-gateway.js';
import type { FileService } from '../resources/files/file-service.js';
import { serveStatic } from '../resources/statics/serve-static.js';
import { servePublish } from '../resources/topics/serve-publish.js';
import type { TopicService } from '../resources/topics/topic-service.js';
import { serveFunction } from '../resources/functions/serve-function.js';

export interface HttpGatewayOptions {
  projects: ProjectLookup;
  sockets: SocketGateway;
  apiLimits: ApiLimits;
  /** `/<project>/files/…` (docs/files.md); without it those URLs are 404. */
  files?: FileService;
  /** `POST /<project>/topics/<topic>` (docs/topics.md); without it those URLs are 404. */
  topics?: TopicService;
  admin: (req: IncomingMessage, res: ServerResponse, path: string, search: string) => Promise<void>;
}

function splitUrl(url: string): { path: string; search: string } {
  const question = url.indexOf('?');
  return question === -1 ? { path: url, search: '' } : { path: url.slice(0, question), search: url.slice(question) };
}

/** Paths listed in a 404 at most. */
const LISTED_PATHS = 12;

/** Where a project's resources are, for a URL under the project that names none of them. */
function whatProjectServes(live: LiveProject): string {
  const { name, deployment } = live;
  const { project } = deployment;
  const paths = [
    ...project.apis.map((api) => `/${name}/apis/${api.name}/…`),
    ...project.sockets.map((socket) => `ws://…/${name}/sockets/${socket.name}`),
    ...project.statics.map((site) => `/${name}/statics/${site.name}/`),
    ...project.functions.map((fn) => `/${name}/functions/${fn.name}`),
    ...project.topics.map((topic) => `/${name}/topics/${topic.name}`),
  ];
  if (paths.length === 0) return `project "${name}" serves no URLs (it has no APIs, sockets, static sites, functions or topics)`;
  return `project "${name}" serves ${nameList(paths, LISTED_PATHS)} (\`less-cli list resources ${name}\` prints them)`;
}

export function createHttpGateway(options: HttpGatewayOptions) {
  const { projects, sockets, apiLimits, admin, files, topics } = options;

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, search } = splitUrl(req.url ?? '/');
    if (path.startsWith('/_admin/')) return admin(req, res, path, search);
    const [, projectName = '', kind, name, ...rest] = path.split('/');
    const live = projects.get(projectName);
    if (!live) return sendJson(res, 404, { error: 'Not Found', message: unknownProject(projectName) });
    if (kind === 'apis' && name) {
      if (!live.routes.has(name)) {
        return sendJson(res, 404, { error: 'Not Found', message: `project "${projectName}" has no API "${name}" (APIs: ${nameList(live.routes.keys())})` });
      }
      return serveApi(req, res, live, name, rest.length > 0 ? `/${rest.join('/')}` : '/', search, apiLimits);
    }
    if (kind === 'statics' && name) return serveStatic(req, res, live, name, rest, path, search);
    if (kind === 'functions' && name) return serveFunction(req, res, live, name, rest, apiLimits);
    if (kind === 'topics' && name && topics) return servePublish(req, res, live, [name, ...rest], topics);
    if (kind === 'files' && name !== undefined && files) return files.serve(req, res, projectName, [name, ...rest], search);
    if (kind === 'sockets' && name) {
      if (!live.sockets.has(name)) return sendJson(res, 404, { error: 'Not Found', message: unknownSocket(projectName, name, live.sockets.keys()) });
      return sendJson(res, 426, { error: 'Upgrade Required', message: `connect with a WebSocket client to ws://…${path}` }, { Upgrade: 'websocket' });
    }
    return sendJson(res, 404, { error: 'Not Found', message: `nothing at ${path}; ${whatProjectServes(live)}` });
  }

  return {
    request(req: IncomingMessage, res: ServerResponse): void {
      dispatch(req, res).catch((error: unknown) => {
        // A fault of OpenLess itself: the server log gets the stack, the client a plain 500.
        console.error(error);
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal Server Error' });
        else res.destroy();
      });
    },

    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      const { path } = splitUrl(req.url ?? '/');
      const [, projectName = '', kind, name, ...rest] = path.split('/');
      if (kind !== 'sockets' || !name || rest.some((segment) => segment !== '')) {
        socket.on('error', () => undefined);
        return refuseUpgrade(socket, 404, { error: 'Not Found', message: `no socket at ${path}` });
      }
      sockets.upgrade(req, socket, head, projectName, name).catch((error: unknown) => {
        console.error(error);
        refuseUpgrade(socket, 500, { error: 'Internal Server Error' });
      });
    },
  };
}
