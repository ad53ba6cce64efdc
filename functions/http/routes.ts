/** The route table: path templates and the methods each allows. Matching is exact and case-sensitive. */
import { httpError } from './http-error.js';

export const ROUTES = [
  { name: 'health', template: '/healthz', methods: ['GET'] },
  { name: 'openapi', template: '/openapi.json', methods: ['GET'] },
  { name: 'updates', template: '/updates', methods: ['POST'] },
  // POST as well as PATCH, for webhook senders that can only POST.
  { name: 'job', template: '/jobs/{jobId}', methods: ['GET', 'PATCH', 'POST'] },
] as const;

export type RouteName = (typeof ROUTES)[number]['name'];

export interface RouteMatch {
  name: RouteName;
  /** For logs: `GET /jobs/{jobId}`. */
  route: string;
  params: Record<string, string>;
}

const templateSegments = (template: string) => template.slice(1).split('/');

function matchTemplate(template: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = templateSegments(template);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i]!;
    const param = /^\{(\w+)\}$/.exec(part)?.[1];
    if (param) params[param] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}

/** The matching route, or a 404 (no such path) / 405 with `Allow` (path exists, method does not). */
export function matchRoute(method: string, segments: readonly string[]): RouteMatch {
  for (const route of ROUTES) {
    const params = matchTemplate(route.template, segments);
    if (!params) continue;
    if (!(route.methods as readonly string[]).includes(method)) {
      const allow = route.methods.join(', ');
      throw httpError(405, 'MethodNotAllowed', `Method not allowed here; use ${allow}`, {
        headers: { allow },
      });
    }
    return { name: route.name, route: `${method} ${route.template}`, params };
  }
  throw httpError(404, 'NotFound', 'No such route; see /openapi.json');
}
