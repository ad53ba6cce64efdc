/** shared/mns: queue helpers the functions and the producer CLI use. */
import type * as z from 'zod';
import type { iceEnv, mnsEnv } from '../config.js';
import type { CredentialResolver } from '../credentials.js';
import { ConfigError } from '../errors.js';
import { createQueueClient, type QueueClient } from './queue-client.js';

export * from './queue-client.js';

export type MnsConfig = z.output<z.ZodObject<typeof mnsEnv>> &
  Pick<z.output<z.ZodObject<typeof iceEnv>>, 'ICE_REGION'>;

/** `MNS_ENDPOINT`, else `https://<account>.mns.<region>.aliyuncs.com` with the account from env or FC. */
export function mnsEndpoint(config: MnsConfig): { endpointUrl: string; accountId: string } {
  const accountId = config.MNS_ACCOUNT_ID ?? config.FC_ACCOUNT_ID;
  if (config.MNS_ENDPOINT) return { endpointUrl: config.MNS_ENDPOINT, accountId: accountId ?? 'local' };
  if (!accountId) {
    throw ConfigError('MNS_ENDPOINT or MNS_ACCOUNT_ID must be set to reach MNS', {
      issues: [{ path: 'MNS_ENDPOINT', message: 'Required when MNS_ACCOUNT_ID is not set' }],
    });
  }
  return { endpointUrl: `https://${accountId}.mns.${config.ICE_REGION}.aliyuncs.com`, accountId };
}

export function queueClientFromConfig(
  config: MnsConfig,
  resolveCredentials: CredentialResolver,
): QueueClient {
  return createQueueClient({ ...mnsEndpoint(config), resolveCredentials });
}
