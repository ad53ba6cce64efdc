/** shared/ice: the one validated ICE client. Functions import from here only. */
import type * as z from 'zod';
import type { iceEnv } from '../config.js';
import { createIceClient, type IceClient, type IceClientOptions } from './client.js';
import type { IceTransport } from './transport.js';

export * from './client.js';
// Types only: the schemas themselves load on a first write (see job-changes.ts).
export type { CreateJobInput, JobChanges, UpdateJobInput } from './job-changes.js';
export * from './schemas.js';
export type { IceAction, IceTransport } from './transport.js';

export type IceConfig = z.output<z.ZodObject<typeof iceEnv>>;

/** `ICE_ENDPOINT`, else the public endpoint of `ICE_REGION`. */
export const iceEndpointUrl = (config: Pick<IceConfig, 'ICE_ENDPOINT' | 'ICE_REGION'>): string =>
  config.ICE_ENDPOINT ?? `https://ice.${config.ICE_REGION}.aliyuncs.com`;

/**
 * The production wiring: the openapi-client transport on the configured endpoint. The SDK is loaded on the
 * first call, not with the function: loading it is most of a cold start, and a path that makes no ICE call
 * (GET /healthz, a batch of invalid messages) should not pay for it.
 */
export function iceClientFromConfig(
  config: IceConfig,
  options: Omit<IceClientOptions, 'transport' | 'timeoutMs'>,
): IceClient {
  let loaded: Promise<IceTransport> | undefined;
  const transport: IceTransport = {
    async call(action, query, callOptions) {
      loaded ??= import('./transport.js').then((sdk) =>
        sdk.createOpenApiTransport({ endpointUrl: iceEndpointUrl(config), regionId: config.ICE_REGION }),
      );
      return (await loaded).call(action, query, callOptions);
    },
  };
  return createIceClient({ ...options, timeoutMs: config.ICE_TIMEOUT_MS, transport });
}
