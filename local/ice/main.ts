import { type ParseArgsConfig, parseArgs } from 'node:util';
import { DEFAULT_SLOW_MS, type IceFaults } from './faults.js';
import { startIceService } from './server.js';

/**
 * Standalone local ICE service:
 *   tsx local/ice/main.ts --port 9101 [--seed N] [--time-scale X] [--fail-rate p] [--throttle-rate p]
 *     [--error-rate p] [--unavailable-rate p] [--slow-rate p --slow-ms N] [--drop-rate p] [--max-rps N]
 *     [--security-token T]
 * Every flag has an ICE_LOCAL_* environment equivalent (e.g. ICE_LOCAL_PORT, ICE_LOCAL_SLOW_MS); flags win.
 * Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET, else the demo pair.
 */

const NUMERIC_FLAGS = {
  port: { env: 'ICE_LOCAL_PORT', fallback: 9101 },
  seed: { env: 'ICE_LOCAL_SEED', fallback: 0 },
  'time-scale': { env: 'ICE_LOCAL_TIME_SCALE', fallback: 1 },
  'fail-rate': { env: 'ICE_LOCAL_FAIL_RATE', fallback: 0 },
  'throttle-rate': { env: 'ICE_LOCAL_THROTTLE_RATE', fallback: 0 },
  'error-rate': { env: 'ICE_LOCAL_ERROR_RATE', fallback: 0 },
  'unavailable-rate': { env: 'ICE_LOCAL_UNAVAILABLE_RATE', fallback: 0 },
  'slow-rate': { env: 'ICE_LOCAL_SLOW_RATE', fallback: 0 },
  'slow-ms': { env: 'ICE_LOCAL_SLOW_MS', fallback: DEFAULT_SLOW_MS },
  'drop-rate': { env: 'ICE_LOCAL_DROP_RATE', fallback: 0 },
  'max-rps': { env: 'ICE_LOCAL_MAX_RPS', fallback: 0 },
} as const;

type NumericFlag = keyof typeof NUMERIC_FLAGS;

const USAGE = `usage: tsx local/ice/main.ts [--port N] [--seed N] [--time-scale X] [--fail-rate p]
  [--throttle-rate p] [--error-rate p] [--unavailable-rate p] [--slow-rate p --slow-ms N] [--drop-rate p]
  [--max-rps N] [--security-token T]`;

async function main(): Promise<void> {
  const options: ParseArgsConfig['options'] = {
    ...Object.fromEntries(Object.keys(NUMERIC_FLAGS).map((name) => [name, { type: 'string' as const }])),
    'security-token': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  };
  const { values } = parseArgs({ options, strict: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const number = (name: NumericFlag): number => {
    const { env, fallback } = NUMERIC_FLAGS[name];
    const raw = (values[name] as string | undefined) ?? process.env[env];
    if (raw === undefined || raw === '') return fallback;
    const parsed = Number(raw);
    if (!Number.isFinite(parsed)) throw new RangeError(`--${name} must be a number, got "${raw}"`);
    return parsed;
  };
  const faults: IceFaults = {
    throttleRate: number('throttle-rate'),
    errorRate: number('error-rate'),
    unavailableRate: number('unavailable-rate'),
    slowRate: number('slow-rate'),
    slowMs: number('slow-ms'),
    dropRate: number('drop-rate'),
    maxRps: number('max-rps'),
  };
  const securityToken =
    (values['security-token'] as string | undefined) ?? process.env.ICE_LOCAL_SECURITY_TOKEN;
  const service = await startIceService({
    port: number('port'),
    seed: number('seed'),
    timeScale: number('time-scale'),
    failRate: number('fail-rate'),
    faults,
    ...(securityToken ? { securityToken } : {}),
  });
  console.log(`local ICE listening on ${service.url}`);
  for (const job of service.jobs.snapshot()) console.log(job.JobId);

  let closing = false;
  const shutdown = () => {
    if (closing) process.exit(1); // a second Ctrl-C does not wait
    closing = true;
    service.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(2);
});
