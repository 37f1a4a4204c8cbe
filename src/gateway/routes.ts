/**
 * Matches a request path against one API's routes. A static segment always wins over a
 * `{param}` sibling (`items/latest` before `items/{id}`); the match backtracks, so
 * `items/latest/x` can still reach `items/{id}/x` when `items/latest` has no `x`.
 */
import type { Api, Route } from '../project/types.js';

interface Node {
  route?: Route;
  statics: Map<string, Node>;
  param?: { name: string; node: Node };
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class RouteTable {
  private readonly root: Node = { statics: new Map() };
  /** In the API's order, for messages that list them. */
  readonly routes: readonly Route[];

  constructor(api: Api) {
    this.routes = api.routes;
    for (const route of api.routes) {
      let node = this.root;
      for (const segment of route.segments) {
        const param = /^\{(.+)\}$/.exec(segment);
        if (param) {
          node.param ??= { name: param[1]!, node: { statics: new Map() } };
          node = node.param.node;
        } else {
          let next = node.statics.get(segment);
          if (!next) node.statics.set(segment, (next = { statics: new Map() }));
          node = next;
        }
      }
      node.route = route;
    }
  }

  /** `segments` are already percent-decoded. */
  match(segments: string[]): RouteMatch | undefined {
    const params: Record<string, string> = {};
    const route = walk(this.root, segments, 0, params);
    return route ? { route, params } : undefined;
  }
}

function walk(node: Node, segments: string[], index: number, params: Record<string, string>): Route | undefined {
  if (index === segments.length) return node.route;
  const segment = segments[index]!;
  const staticChild = node.statics.get(segment);
  if (staticChild) {
    const found = walk(staticChild, segments, index + 1, params);
    if (found) return found;
  }
  if (node.param && segment !== '') {
    const found = walk(node.param.node, segments, index + 1, params);
    if (found) {
      params[node.param.name] = segment;
      return found;
    }
  }
  return undefined;
}
