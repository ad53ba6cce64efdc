/**
 * The sync function's environment: the shared pieces plus its own two variables. Parsed once at cold start;
 * a bad value fails fast with a ConfigError naming the variable.
 */
import * as z from 'zod';
import {
  iceEnv,
  logEnv,
  mnsEnv,
  parseEnv,
  queueNames,
  throughputEnv,
  webhookEnv,
} from '../../shared/config.js';
import { ConfigError } from '../../shared/errors.js';

export const syncOnlyEnv = {
  /** Optional push target for status events (signed POST). */
  STATUS_WEBHOOK_URL: z
    .url({
      protocol: /^https?$/,
      message: 'Must be an http(s) URL such as https://example.com/hooks/avatar-status',
    })
    .optional(),
  /** How long a job still in Init stays watched after its latest enrolment. */
  WATCH_INIT_MAX_DAYS: z.coerce.number({ message: 'Must be a number of days' }).positive().default(7),
};

export const syncEnv = {
  ...iceEnv,
  ...mnsEnv,
  ...queueNames,
  ...throughputEnv,
  ...webhookEnv,
  ...logEnv,
  ...syncOnlyEnv,
};

export type SyncConfig = ReturnType<typeof loadSyncConfig>;

export function loadSyncConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = parseEnv(syncEnv, env);
  // An unsigned push would let anyone forge status events at the receiver; opting out must be explicit.
  if (config.STATUS_WEBHOOK_URL && config.WEBHOOK_SECRET.length === 0 && !config.ALLOW_UNSIGNED) {
    throw ConfigError(
      'Invalid environment: WEBHOOK_SECRET (Required to sign status events when STATUS_WEBHOOK_URL is set; set ALLOW_UNSIGNED=true to send them unsigned)',
      { issues: [{ path: 'WEBHOOK_SECRET', message: 'Required when STATUS_WEBHOOK_URL is set' }] },
    );
  }
  return config;
}
