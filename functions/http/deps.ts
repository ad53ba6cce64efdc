/**
 * Production wiring from the environment, done once per instance on the first invocation: config, logger
 * and ICE client now; the MNS queue client only when a route first needs it (dynamic import keeps the
 * MNS SDK's initialisation off the GET path's cold start).
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../shared/clock.js';
import { isOnFunctionCompute } from '../../shared/config.js';
import { createCredentialResolver } from '../../shared/credentials.js';
import type { FcContext } from '../../shared/fc/context.js';
import { iceClientFromConfig } from '../../shared/ice/index.js';
import { createLogger, type LogSink } from '../../shared/logger.js';
import type { QueueClient } from '../../shared/mns/queue-client.js';
import { createHttpHandler, type HttpDeps, type HttpHandler } from './app.js';
import { loadHttpConfig } from './config.js';
import { errorResponse } from './error-response.js';

/** `sink` defaults to stdout (what FC collects); tests pass their own. */
export function depsFromEnv(env: NodeJS.ProcessEnv, sink?: LogSink): HttpDeps {
  const config = loadHttpConfig(env);
  const logger = createLogger({
    level: config.LOG_LEVEL,
    bindings: { fn: 'http' },
    ...(sink ? { sink } : {}),
  });
  const resolveCredentials = createCredentialResolver(env);
  const ice = iceClientFromConfig(config, { logger, resolveCredentials, clock: systemClock });
  let queues: Promise<QueueClient> | undefined;
  return {
    config,
    ice,
    logger,
    clock: systemClock,
    onFunctionCompute: isOnFunctionCompute(env),
    queues: () => {
      queues ??= import('../../shared/mns/index.js').then((mns) =>
        mns.queueClientFromConfig(config, resolveCredentials),
      );
      return queues;
    },
  };
}

/**
 * The instance's handler. A bad environment does not crash the instance obscurely: every request gets a
 * generic 500 and a log line whose error names the variable.
 */
export function handlerFromEnv(env: NodeJS.ProcessEnv, sink?: LogSink): HttpHandler {
  try {
    return createHttpHandler(depsFromEnv(env, sink));
  } catch (error) {
    const logger = createLogger({ bindings: { fn: 'http' }, ...(sink ? { sink } : {}) });
    logger.error('the HTTP function cannot start', { error });
    return async (_event: unknown, context: FcContext) => {
      const requestId = context?.requestId ?? 'unknown';
      const { response } = errorResponse(error, requestId);
      const correlationId = randomUUID();
      response.headers['x-request-id'] = correlationId;
      logger.error('request', { requestId, correlationId, status: response.statusCode, error });
      return response;
    };
  }
}
