/**
 * Environment parsing: each function composes a strict zod schema from these pieces and parses it once at
 * cold start. A missing or invalid variable fails fast with a ConfigError naming it.
 */
import * as z from 'zod';
import { ConfigError } from './errors.js';
import { issuesFromZod } from './validation.js';

const REGION = /^[a-z]{2,}(?:-[a-z0-9]+)+$/;

const url = (example: string) =>
  z.url({ protocol: /^https?$/, message: `Must be an http(s) URL such as ${example}` }).optional();
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');
const optionalText = z
  .string()
  .optional()
  .transform((v) => v?.trim());

export const iceEnv = {
  ICE_ENDPOINT: url('http://127.0.0.1:9101'),
  ICE_REGION: z
    .string()
    .regex(REGION, { message: 'Must be a region ID such as cn-shanghai' })
    .default('cn-shanghai'),
  ICE_TIMEOUT_MS: positiveInt(10_000),
};

export const mnsEnv = {
  MNS_ENDPOINT: url('http://127.0.0.1:9102'),
  /** Falls back to FC's own FC_ACCOUNT_ID (see mnsEndpoint). */
  MNS_ACCOUNT_ID: optionalText,
  FC_ACCOUNT_ID: optionalText,
};

export const queueNames = {
  UPDATES_QUEUE: z.string().min(1).default('avatar-job-updates'),
  DEAD_LETTER_QUEUE: z.string().min(1).default('avatar-job-dead-letters'),
  WATCH_QUEUE: z.string().min(1).default('avatar-job-watch'),
  STATUS_QUEUE: z.string().min(1).default('avatar-job-status'),
};

export const throughputEnv = {
  ICE_MAX_RPS: z.coerce.number().positive().default(10),
  ICE_CONCURRENCY: positiveInt(4),
  MAX_ATTEMPTS: positiveInt(5),
};

export const webhookEnv = {
  /** Comma-separated; several secrets allow rotation. */
  WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ALLOW_UNSIGNED: flag,
};

export const logEnv = {
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
};

/** Parses `env` against `shape`; other variables are ignored (the environment holds many). */
export function parseEnv<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<z.ZodObject<S>> {
  // A blank variable means unset (s.yaml renders absent optional settings as ''), so defaults apply.
  const present: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') present[key] = value;
  }
  // Parsed once per instance: zod's compiled fast path for an object costs more to build than it saves here.
  const result = z.object(shape).safeParse(present, { jitless: true });
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error);
  throw ConfigError(`Invalid environment: ${issues.map((i) => `${i.path} (${i.message})`).join('; ')}`, {
    issues,
  });
}

/** True inside Function Compute, whose runtime sets FC_* variables. */
export function isOnFunctionCompute(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.FC_FUNCTION_NAME || env.FC_REGION || env.FC_INSTANCE_ID);
}
