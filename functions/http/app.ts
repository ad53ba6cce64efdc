/**
 * The request pipeline: read the event, answer /healthz, refuse when closed, check headers, path and
 * body, authenticate, route, call the domain code, map errors, and log one line per request.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import { type FcContext, invocationDeadline } from '../../shared/fc/context.js';
import type { HttpResponse } from '../../shared/fc/events.js';
import type { CallOptions } from '../../shared/ice/index.js';
import type { LogFields, Logger } from '../../shared/logger.js';
import type { QueueClient } from '../../shared/mns/queue-client.js';
import { enrolWatch } from '../../shared/watch.js';
import { authenticate, refuseWhenClosed } from './auth.js';
import { type AuthMode, authMode, type HttpConfig } from './config.js';
import { type ErrorOutcome, errorResponse, RETRY_AFTER_SECONDS } from './error-response.js';
import { getJob, type JobsIce, jobIdFromPath, updateJob } from './jobs.js';
import { readJsonBody } from './json-body.js';
import {
  correlationIdOf,
  type HeaderMap,
  pathOf,
  pathSegments,
  readHttpEvent,
  requestBody,
  requestHeaders,
} from './request.js';
import { jsonResponse } from './response.js';
import { matchRoute, type RouteMatch } from './routes.js';

export interface HttpDeps {
  config: HttpConfig;
  ice: JobsIce;
  /** The queue client, created on first use: the GET path never loads the MNS SDK. */
  queues: () => Promise<QueueClient>;
  logger: Logger;
  /** The clock the ICE client uses too: ICE deadlines and signature times are read from it. */
  clock: Pick<Clock, 'now'>;
  onFunctionCompute: boolean;
  newId?: () => string;
  enrolBudgetMs?: number;
}

export type HttpHandler = (event: unknown, context: FcContext) => Promise<HttpResponse>;

/** How long an update waits for its status-sync enrolment at most. */
export const ENROL_BUDGET_MS = 1_500;

/** Time kept back from the FC deadline to shape and return the response. */
const RESPONSE_MARGIN_MS = 250;

/** What one request learns along the way, for its log line. */
interface Trace {
  correlationId?: string;
  method?: string;
  route?: string;
  jobId?: string;
  iceRequestId?: string;
  fields: LogFields;
}

interface RouteRequest {
  match: RouteMatch;
  headers: HeaderMap;
  body: string;
  context: FcContext;
  call: CallOptions;
  trace: Trace;
}

export function createHttpHandler(deps: HttpDeps): HttpHandler {
  const newId = deps.newId ?? randomUUID;
  const mode: AuthMode = authMode(deps.config, deps.onFunctionCompute);
  if (mode.kind === 'closed') deps.logger.error(mode.why);
  if (mode.kind === 'unsigned') deps.logger.warn(mode.why);
  let openapi: Record<string, unknown> | undefined;
  let coldStart = true;

  async function dispatch(req: RouteRequest): Promise<HttpResponse> {
    const { match, trace } = req;
    switch (match.name) {
      case 'health':
        return jsonResponse(200, { status: 'ok' });
      case 'openapi':
        // Loaded on first use, like the queue client: the GET /jobs path never builds their schemas.
        openapi ??= (await import('./openapi.js')).buildOpenApiDocument();
        return jsonResponse(200, openapi);
      case 'job': {
        const jobId = jobIdFromPath(match.params.jobId ?? '');
        trace.jobId = jobId;
        if (match.route.startsWith('GET ')) {
          const body = await getJob(deps.ice, jobId, req.call);
          trace.iceRequestId = body.requestId;
          return jsonResponse(200, body);
        }
        const body = await updateJob(deps.ice, jobId, readJsonBody(req.headers, req.body), req.call);
        trace.iceRequestId = body.requestId;
        const budget = Math.min(
          deps.enrolBudgetMs ?? ENROL_BUDGET_MS,
          (req.call.deadline ?? Number.POSITIVE_INFINITY) - deps.clock.now(),
        );
        // Built here, not per request: only an update logs through it (enrolment warnings).
        const logger = deps.logger.child({
          requestId: req.context.requestId,
          correlationId: trace.correlationId,
        });
        await enrolWatch(
          {
            queues: deps.queues,
            queue: deps.config.WATCH_QUEUE,
            logger,
            now: deps.clock.now,
            budgetMs: budget,
          },
          [jobId],
          req.context,
        );
        return jsonResponse(200, body);
      }
      case 'updates': {
        const { planUpdates, enqueueUpdates } = await import('./updates.js');
        const plan = planUpdates(readJsonBody(req.headers, req.body));
        const queues = await deps.queues();
        const outcome = await enqueueUpdates(
          plan,
          (messages) => queues.send(deps.config.UPDATES_QUEUE, messages, { context: req.context }),
          req.context.requestId || (trace.correlationId ?? ''),
          RETRY_AFTER_SECONDS,
        );
        const { accepted, rejected, failed } = outcome.body;
        Object.assign(trace.fields, {
          accepted: accepted.length,
          rejected: rejected.length,
          failed: failed.length,
        });
        return jsonResponse(outcome.status, outcome.body, outcome.status === 202 ? {} : outcome.headers);
      }
    }
  }

  async function handle(event: unknown, context: FcContext, startedAt: number, trace: Trace) {
    const ev = readHttpEvent(event);
    trace.correlationId = correlationIdOf(ev, newId);
    const method = ev.requestContext.http.method;
    trace.method = method.slice(0, 16);
    // /healthz answers in every auth mode and never looks at headers or body.
    if (pathOf(ev.rawPath) === '/healthz') {
      const match = matchRoute(method, ['healthz']);
      trace.route = match.route;
      return jsonResponse(200, { status: 'ok' });
    }
    if (mode.kind === 'closed') trace.fields.reason = mode.why;
    refuseWhenClosed(mode);
    const headers = requestHeaders(ev);
    const segments = pathSegments(ev.rawPath);
    const body = requestBody(ev);
    authenticate(mode, headers, body, deps.clock.now());
    const match = matchRoute(method, segments);
    trace.route = match.route;
    const call = { context, deadline: invocationDeadline(context, startedAt) - RESPONSE_MARGIN_MS };
    return dispatch({ match, headers, body, context, call, trace });
  }

  return async (event, maybeContext) => {
    const startedAt = deps.clock.now();
    const cold = coldStart;
    coldStart = false;
    const context: FcContext = maybeContext ?? { requestId: newId() };
    const trace: Trace = { fields: {} };
    let response: HttpResponse;
    let failure: { outcome: ErrorOutcome; error: unknown } | undefined;
    try {
      response = await handle(event, context, startedAt, trace);
    } catch (error) {
      trace.correlationId ??= newId();
      // FC's request ID when there is one (a captured event shows it can be empty), else ours.
      const outcome = errorResponse(error, context.requestId || trace.correlationId);
      failure = { outcome, error };
      response = outcome.response;
      trace.iceRequestId ??= outcome.iceRequestId;
    }
    const correlationId = trace.correlationId ?? newId();
    response.headers['x-request-id'] = correlationId;
    const status = response.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    deps.logger[level]('request', {
      requestId: context.requestId,
      correlationId,
      method: trace.method,
      route: trace.route ?? 'unmatched',
      jobId: trace.jobId,
      status,
      durationMs: deps.clock.now() - startedAt,
      iceRequestId: trace.iceRequestId,
      coldStart: cold,
      ...trace.fields,
      ...(failure ? errorFields(failure.outcome, failure.error) : {}),
    });
    return response;
  };
}

/** 4xx: our own message suffices. 5xx: the detail (never sent to the caller); a stack when unexpected. */
function errorFields(outcome: ErrorOutcome, error: unknown): LogFields {
  if (!outcome.serverSide) return { errorCode: outcome.code, errorMessage: (error as Error).message };
  const unexpected = outcome.code === 'InternalError' && error instanceof Error;
  return { errorCode: outcome.code, error, ...(unexpected ? { stack: error.stack } : {}) };
}
