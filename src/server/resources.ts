/** The URLs of a deployed project (SPEC section 4), as `deploy --json` prints them. */
import type { Project } from '../project/types.js';

export interface Resources {
  project: string;
  apis: Record<string, string>;
  sockets: Record<string, string>;
  topics: string | null;
  functions: string | null;
  statics: Record<string, string>;
}

/** Loopback and wildcard addresses are shown as `localhost`, as users type them. */
export function publicHost(host: string, port: number): string {
  const name = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `${name}:${port}`;
}

/** `secure`: the server has TLS, so its URLs are https/wss (SPEC 4). */
export function resourcesOf(name: string, project: Project, hostPort: string, secure = false): Resources {
  const base = `${secure ? 'https' : 'http'}://${hostPort}/${name}`;
  return {
    project: name,
    apis: Object.fromEntries(project.apis.map((api) => [api.name, `${base}/apis/${api.name}`])),
    sockets: Object.fromEntries(project.sockets.map((socket) => [socket.name, `${secure ? 'wss' : 'ws'}://${hostPort}/${name}/sockets/${socket.name}`])),
    topics: project.topics.length > 0 ? base : null,
    functions: project.functions.length > 0 ? base : null,
    statics: Object.fromEntries(project.statics.map((site) => [site.name, `${base}/statics/${site.name}/`])),
  };
}
