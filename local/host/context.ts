/**
 * The FC 3.0 invocation context as the host passes it (reference/fc.md §4): credentials only when the
 * function has a `role` (`{}` otherwise, as on FC), function limits and log settings from s.yaml.
 */
import { randomBytes } from 'node:crypto';
import type { Credentials } from '../../shared/credentials.js';
import type { PlainContext } from './function-instance.js';
import type { FunctionSpec } from './s-yaml.js';

export interface HostIdentity {
  accountId: string;
  /** Handed to functions with a role, like FC's STS keys from AssumeRole. */
  credentials: Credentials;
}

/** `1-<unix seconds hex>-<24 hex>`, the shape of FC request IDs. */
export function newRequestId(now = Date.now()): string {
  return `1-${Math.floor(now / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

export function invocationContext(
  spec: FunctionSpec,
  identity: HostIdentity,
  init: { requestId: string; retryCount?: number },
): PlainContext {
  const { props } = spec;
  const log = props.logConfig;
  return {
    requestId: init.requestId,
    credentials: props.role ? { ...identity.credentials } : {},
    function: { name: spec.name, handler: props.handler, memory: props.memorySize, timeout: props.timeout },
    service: {
      logProject:
        typeof log === 'object' ? log.project : log === 'auto' ? `serverless-${props.region}-local` : '',
      logStore: typeof log === 'object' ? log.logstore : log === 'auto' ? 'default-logs' : '',
      qualifier: 'LATEST',
    },
    region: props.region,
    accountId: identity.accountId,
    retryCount: init.retryCount ?? 0,
    tracing: { openTracingSpanBaggages: {} },
  };
}
