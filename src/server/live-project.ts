/** A deployed project as the gateway serves it: the deployment plus its running executor. */
import type { Deployment } from '../deploy/build.js';
import { RouteTable } from '../gateway/routes.js';
import type { Socket } from '../project/types.js';
import { CloudFunctions } from '../resources/functions/cloud-functions.js';
import type { Executor } from '../runtime/executor.js';
import { Invoker } from '../runtime/invoker.js';
import type { LogStore } from '../storage/logs.js';

export class LiveProject {
  readonly name: string;
  readonly invoker: Invoker;
  readonly routes: Map<string, RouteTable>;
  readonly sockets: Map<string, Socket>;
  readonly functions: CloudFunctions;

  constructor(
    readonly deployment: Deployment,
    readonly executor: Executor,
    logs: LogStore,
  ) {
    this.name = deployment.name;
    this.invoker = new Invoker(deployment.name, executor, logs);
    this.routes = new Map(deployment.project.apis.map((api) => [api.name, new RouteTable(api)]));
    this.sockets = new Map(deployment.project.sockets.map((socket) => [socket.name, socket]));
    this.functions = new CloudFunctions(deployment.name, deployment.project.functions, this.invoker);
  }
}

export interface ProjectLookup {
  get(name: string): LiveProject | undefined;
}
