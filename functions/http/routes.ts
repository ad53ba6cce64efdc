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

/** Each template split once, at load: a literal segment, or the name of a `{param}`. */
const TEMPLATES = ROUTES.map((route) => ({
  route,
  parts: route.template
    .slice(1)
    .split('/')
    .map((part) => ({ literal: part, param: /^\{(\w+)\}$/.exec(part)?.[1] })),
}));

function matchTemplate(
  parts: (typeof TEMPLATES)[number]['parts'],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, { literal, param }] of parts.entries()) {
    const segment = segments[i]!;
    if (param) params[param] = segment;
    else if (literal !== segment) return undefined;
  }
  return params;
}

/** The matching route, or a 404 (no such path) / 405 with `Allow` (path exists, method does not). */
export function matchRoute(method: string, segments: readonly string[]): RouteMatch {
  for (const { route, parts } of TEMPLATES) {
    const params = matchTemplate(parts, segments);
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
