/**
 * The bed every hardening section runs on: the local ICE and MNS services in this process, both requiring
 * a fresh random key pair and STS token (so the log scan has unique strings to look for), and the FC
 * context that carries those keys to the functions' real clients.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type IceService, startIceService } from '../../local/ice/server.js';
import { type MnsService, startMnsService } from '../../local/mns/server.js';
import { queueNames } from '../../shared/config.js';
import type { FcContext } from '../../shared/fc/context.js';
import type { Secret } from './secret-scan.js';

export interface HardenServices {
  ice: IceService;
  mns: MnsService;
  /** ICE_ENDPOINT, MNS_ENDPOINT, MNS_ACCOUNT_ID. */
  env: Record<string, string>;
  /** Queue names (the config defaults): updates, dead letters, watch, status. */
  queues: { updates: string; deadLetters: string; watch: string; status: string };
  /** A context as FC passes it: the STS keys of the function's role. */
  context(): FcContext;
  /** The credentials in play, for the log scan. */
  secrets: Secret[];
  close(): Promise<void>;
}

export async function startHardenServices(): Promise<HardenServices> {
  const credentials = {
    accessKeyId: `LTAIharden${randomBytes(6).toString('hex')}`,
    accessKeySecret: `harden-secret-${randomBytes(12).toString('base64url')}`,
  };
  const securityToken = `harden-sts-${randomBytes(24).toString('base64url')}`;
  const [updates, deadLetters, watch, status] = Object.values(queueNames).map((q) => q.parse(undefined)) as [
    string,
    string,
    string,
    string,
  ];
  const ice = await startIceService({ port: 0, credentials, securityToken });
  const mns = await startMnsService({
    port: 0,
    credentials,
    securityToken,
    queues: [updates, deadLetters, watch, status],
  });
  return {
    ice,
    mns,
    env: { ICE_ENDPOINT: ice.url, MNS_ENDPOINT: mns.url, MNS_ACCOUNT_ID: mns.accountId },
    queues: { updates, deadLetters, watch, status },
    context: () => ({
      requestId: `1-${randomUUID()}`,
      credentials: { ...credentials, securityToken },
      function: { name: 'avatar-job-harden', timeout: 60 },
      region: 'cn-shanghai',
    }),
    secrets: [
      { label: 'access key secret', value: credentials.accessKeySecret },
      { label: 'STS security token', value: securityToken },
    ],
    close: async () => {
      await Promise.all([ice.close(), mns.close()]);
    },
  };
}
