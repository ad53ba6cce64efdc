/**
 * The HTTP function's environment, parsed once per instance, and the auth mode it implies: signed when a
 * WEBHOOK_SECRET is set, closed on FC without one (unless ALLOW_UNSIGNED=true), unsigned locally.
 */
import type * as z from 'zod';
import { iceEnv, logEnv, mnsEnv, parseEnv, queueNames, webhookEnv } from '../../shared/config.js';

export const httpEnv = { ...iceEnv, ...mnsEnv, ...queueNames, ...webhookEnv, ...logEnv };
export type HttpConfig = z.output<z.ZodObject<typeof httpEnv>>;

/** Throws a ConfigError naming each missing or invalid variable. */
export const loadHttpConfig = (env: NodeJS.ProcessEnv): HttpConfig => parseEnv(httpEnv, env);

export type AuthMode =
  | { kind: 'signed'; secrets: readonly string[] }
  | { kind: 'unsigned'; why: string }
  | { kind: 'closed'; why: string };

export function authMode(
  config: Pick<HttpConfig, 'WEBHOOK_SECRET' | 'ALLOW_UNSIGNED'>,
  onFunctionCompute: boolean,
): AuthMode {
  if (config.WEBHOOK_SECRET.length > 0) return { kind: 'signed', secrets: config.WEBHOOK_SECRET };
  if (config.ALLOW_UNSIGNED) {
    return {
      kind: 'unsigned',
      why: 'ALLOW_UNSIGNED=true and no WEBHOOK_SECRET: accepting unsigned requests',
    };
  }
  if (onFunctionCompute) {
    return {
      kind: 'closed',
      why: 'WEBHOOK_SECRET is not set on Function Compute and ALLOW_UNSIGNED is not true: refusing every request but /healthz',
    };
  }
  return { kind: 'unsigned', why: 'WEBHOOK_SECRET is not set: accepting unsigned requests (local run)' };
}
