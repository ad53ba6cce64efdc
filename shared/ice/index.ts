/** shared/ice: the one validated ICE client. Functions import from here only. */
import type { z } from 'zod';
import type { iceEnv } from '../config.js';
import { createIceClient, type IceClient, type IceClientOptions } from './client.js';
import { createOpenApiTransport } from './transport.js';

export * from './client.js';
export * from './schemas.js';
export type { IceAction, IceTransport } from './transport.js';

export type IceConfig = z.output<z.ZodObject<typeof iceEnv>>;

/** `ICE_ENDPOINT`, else the public endpoint of `ICE_REGION`. */
export const iceEndpointUrl = (config: Pick<IceConfig, 'ICE_ENDPOINT' | 'ICE_REGION'>): string =>
  config.ICE_ENDPOINT ?? `https://ice.${config.ICE_REGION}.aliyuncs.com`;

/** The production wiring: the openapi-client transport on the configured endpoint. */
export function iceClientFromConfig(
  config: IceConfig,
  options: Omit<IceClientOptions, 'transport' | 'timeoutMs'>,
): IceClient {
  return createIceClient({
    ...options,
    timeoutMs: config.ICE_TIMEOUT_MS,
    transport: createOpenApiTransport({ endpointUrl: iceEndpointUrl(config), regionId: config.ICE_REGION }),
  });
}
