/**
 * `npm run invoke -- <function> [event.json | -] [--async]`: invokes a function through the FC API with the
 * `@alicloud/fc2` client — the local host by default, the cloud unchanged when `FC_ACCOUNT_ID` is set.
 * `<function>` is an s.yaml resource key (`http`, `queue`, `sync`) or a function name. Without an event
 * file, a function with a timer trigger gets that trigger's event (`npm run invoke -- sync` = one tick);
 * any other gets an empty event. Prints the result on stdout and the request ID on stderr; exit code 1
 * when the function failed (`x-fc-error-type`) or the call was refused.
 *
 * Env: FC_ACCOUNT_ID (cloud account; unset = local host), DEPLOY_REGION (default cn-shanghai),
 * FC_ENDPOINT (default `https://<account>.<region>.fc.aliyuncs.com`, or `http://127.0.0.1:$PORT` locally),
 * keys ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN (locally the demo pair when unset).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import FCClient from '@alicloud/fc2';
import { DEMO_CREDENTIALS } from '../local/demo-credentials.js';
import { DEFAULT_PORT, LOCAL_ACCOUNT_ID } from '../local/host/host.js';
import { type FunctionSpec, loadFunctions } from '../local/host/s-yaml.js';
import { timerEvent } from '../local/host/timer.js';
import { type Credentials, credentialsFromEnv } from '../shared/credentials.js';
import { ConfigError } from '../shared/errors.js';

export interface InvokeTarget {
  endpoint: string;
  accountId: string;
  region: string;
  credentials: Credentials;
  local: boolean;
}

export function invokeTarget(env: NodeJS.ProcessEnv = process.env): InvokeTarget {
  const region = env.DEPLOY_REGION || 'cn-shanghai';
  const cloudAccount = env.FC_ACCOUNT_ID;
  if (cloudAccount) {
    const credentials = credentialsFromEnv(env);
    if (!credentials) {
      throw ConfigError(
        'ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET are required with FC_ACCOUNT_ID',
        {
          issues: [{ path: 'ALIBABA_CLOUD_ACCESS_KEY_ID', message: 'Required to sign FC API calls' }],
        },
      );
    }
    const endpoint = env.FC_ENDPOINT || `https://${cloudAccount}.${region}.fc.aliyuncs.com`;
    return { endpoint, accountId: cloudAccount, region, credentials, local: false };
  }
  return {
    endpoint: env.FC_ENDPOINT || `http://127.0.0.1:${env.PORT || DEFAULT_PORT}`,
    accountId: LOCAL_ACCOUNT_ID,
    region,
    credentials: credentialsFromEnv(env) ?? { ...DEMO_CREDENTIALS },
    local: true,
  };
}

export function fcClient(target: InvokeTarget): FCClient {
  const client = new FCClient(target.accountId, {
    accessKeyID: target.credentials.accessKeyId,
    accessKeySecret: target.credentials.accessKeySecret,
    ...(target.credentials.securityToken ? { securityToken: target.credentials.securityToken } : {}),
    region: target.region,
    endpoint: target.endpoint,
    timeout: 330_000,
  });
  // FC 3.0 has no services: use the 2023-03-30 data-plane path with the same `FC` signature.
  client.version = '2023-03-30';
  return client;
}

/** The function named by a resource key or function name; undefined when s.yaml does not list it. */
export function findFunction(functions: readonly FunctionSpec[], name: string): FunctionSpec | undefined {
  return functions.find((spec) => spec.resource === name || spec.name === name);
}

export function defaultEvent(spec: FunctionSpec | undefined, now = Date.now()): Buffer {
  const timer = spec?.props.triggers.find((t) => t.triggerType === 'timer');
  if (timer?.triggerType === 'timer') return timerEvent(timer.triggerName, timer.triggerConfig.payload, now);
  return Buffer.alloc(0);
}

export interface InvokeResult {
  requestId: string | undefined;
  /** `x-fc-error-type` when the function failed. */
  errorType: string | undefined;
  body: string;
}

export async function invoke(
  client: FCClient,
  functionName: string,
  event: Buffer,
  options: { async?: boolean } = {},
): Promise<InvokeResult> {
  const response = await client.post(`/functions/${encodeURIComponent(functionName)}/invocations`, event, {
    'x-fc-invocation-type': options.async ? 'Async' : 'Sync',
    'x-fc-log-type': 'None',
  });
  const { data, headers } = response;
  return {
    requestId: headers['x-fc-request-id'],
    errorType: headers['x-fc-error-type'],
    body: typeof data === 'string' ? data : JSON.stringify(data),
  };
}

const USAGE = 'usage: npm run invoke -- <function> [event.json | -] [--async]';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    options: { async: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const [name, eventFile] = positionals;
  if (!name || positionals.length > 2) {
    console.error(USAGE);
    return 2;
  }
  const target = invokeTarget();
  const root = join(fileURLToPath(import.meta.url), '..', '..');
  let spec: FunctionSpec | undefined;
  try {
    spec = findFunction(
      loadFunctions(join(root, 's.yaml'), { config: { AccountID: target.accountId } }),
      name,
    );
  } catch (error) {
    console.error(
      `note: s.yaml could not be read (${(error as Error).message}); using '${name}' as the function name`,
    );
  }
  const event =
    eventFile === undefined ? defaultEvent(spec) : readFileSync(eventFile === '-' ? 0 : eventFile);
  const result = await invoke(fcClient(target), spec?.name ?? name, event, { async: values.async });
  console.error(
    `requestId: ${result.requestId ?? '-'} (${target.local ? 'local host' : 'Function Compute'} ${target.endpoint})`,
  );
  if (result.errorType) {
    console.error(`function error (${result.errorType}): ${result.body}`);
    return 1;
  }
  if (result.body !== '') console.log(result.body);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
