/**
 * The HTTP function as production wires it (functions/http/deps.ts, real ICE and MNS clients against the
 * local services), with every ICE call and queue send counted at the function's side of its clients.
 */
import { createHttpHandler, type HttpDeps, type HttpHandler } from '../../functions/http/app.js';
import { depsFromEnv } from '../../functions/http/deps.js';
import type { LogSink } from '../../shared/logger.js';

export interface CountedHttpHandler {
  handler: HttpHandler;
  calls: { ice: number; queueSends: number };
}

export function countedHttpHandler(
  env: NodeJS.ProcessEnv,
  sink: LogSink,
  overrides: Partial<HttpDeps> = {},
): CountedHttpHandler {
  const deps = depsFromEnv(env, sink);
  const calls = { ice: 0, queueSends: 0 };
  return {
    calls,
    handler: createHttpHandler({
      ...deps,
      ice: {
        getJob: (...args) => {
          calls.ice++;
          return deps.ice.getJob(...args);
        },
        updateJob: (...args) => {
          calls.ice++;
          return deps.ice.updateJob(...args);
        },
      },
      queues: async () => {
        const queues = await deps.queues();
        return {
          ...queues,
          send: (...args) => {
            calls.queueSends++;
            return queues.send(...args);
          },
        };
      },
      ...overrides,
    }),
  };
}
