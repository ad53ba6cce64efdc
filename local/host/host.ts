/**
 * The local FC runtime: reads s.yaml (the same file `s deploy` uses), runs each function in its own worker
 * "instance", and drives it from its triggers — HTTP (plus the fc2 invoke API on the same port), the MNS
 * EventBridge trigger and timers.
 */
import type { Clock } from '../../shared/clock.js';
import type { Credentials } from '../../shared/credentials.js';
import { ConfigError } from '../../shared/errors.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import { type HostIdentity, invocationContext, newRequestId } from './context.js';
import { type EventBridgePoller, startEventBridgePoller } from './eventbridge.js';
import {
  createFunctionInstance,
  type FunctionInstance,
  type InvocationOutcome,
} from './function-instance.js';
import { startHttpServer } from './http-server.js';
import { type MnsConnection, mnsEventSource } from './mns-event-source.js';
import { type FunctionSpec, type HttpTriggerConfig, loadFunctions } from './s-yaml.js';
import { startTimerTrigger, type TimerTrigger } from './timer.js';

export const DEFAULT_PORT = 9000;
export const LOCAL_ACCOUNT_ID = '1234567890123456';

export interface HostOptions {
  /** Path of s.yaml. */
  template: string;
  /** Variables for `${env(…)}` in s.yaml; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Values for `${config(…)}`; `AccountID` defaults to `accountId`. */
  config?: Record<string, string | undefined>;
  /** HTTP trigger and invoke API port (default 9000; 0 picks a free one). */
  port?: number;
  hostname?: string;
  /** Default LOCAL_ACCOUNT_ID. */
  accountId?: string;
  /** Keys handed to functions with a role (as FC's STS keys) and accepted by the invoke API. */
  credentials: Credentials;
  /** Where the MNS queue triggers poll; required when one is enabled. */
  mns?: MnsConnection;
  /** Which kinds of trigger run (all by default). */
  triggers?: { http?: boolean; eventbridge?: boolean; timer?: boolean };
  clock?: Clock;
  /** > 1 shortens EventBridge batch windows and retry waits. */
  timeScale?: number;
  /** Long-poll wait of idle EventBridge pollers (default 3 s). */
  idleWaitSeconds?: number;
  logger?: Logger;
}

export interface Host {
  url: string;
  port: number;
  functions: readonly FunctionSpec[];
  /** By function name or s.yaml resource key. */
  invoke(
    name: string,
    event: Buffer,
    init?: { requestId?: string; retryCount?: number },
  ): Promise<InvocationOutcome>;
  close(): Promise<void>;
}

/** Real time with unref'd timers: a pending retry wait never keeps the process alive after close. */
export const hostClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref()),
};

const configError = (path: string, message: string) =>
  ConfigError(`s.yaml ${path}: ${message}`, { issues: [{ path, message }] });

export async function startHost(options: HostOptions): Promise<Host> {
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const functions = loadFunctions(options.template, {
    env: options.env,
    config: { AccountID: accountId, ...options.config },
  });
  const logger = options.logger ?? createLogger({ bindings: { component: 'local-host' } });
  const clock = options.clock ?? hostClock;
  const enabled = { http: true, eventbridge: true, timer: true, ...options.triggers };
  const identity: HostIdentity = { accountId, credentials: options.credentials };

  const instances = new Map<string, { spec: FunctionSpec; instance: FunctionInstance }>();
  for (const spec of functions) instances.set(spec.name, { spec, instance: createFunctionInstance(spec) });
  const byName = (name: string) =>
    instances.get(name) ?? [...instances.values()].find((entry) => entry.spec.resource === name);

  const invoke: Host['invoke'] = (name, event, init = {}) => {
    const entry = byName(name);
    if (!entry) return Promise.reject(new Error(`no function '${name}' in ${options.template}`));
    const requestId = init.requestId ?? newRequestId(clock.now());
    const context = invocationContext(entry.spec, identity, { requestId, retryCount: init.retryCount });
    return entry.instance.invoke(event, context);
  };

  const httpFunctions = functions.flatMap((spec) =>
    spec.props.triggers.flatMap((trigger) =>
      trigger.triggerType === 'http' ? [{ spec, trigger: trigger.triggerConfig as HttpTriggerConfig }] : [],
    ),
  );
  if (httpFunctions.length > 1) {
    throw configError('resources', 'the local host serves one function with an HTTP trigger');
  }
  const httpFunction = enabled.http ? httpFunctions[0] : undefined;
  if (httpFunction && httpFunction.trigger.authType !== 'anonymous') {
    throw configError(
      `resources.${httpFunction.spec.resource}.props.triggers`,
      `authType '${httpFunction.trigger.authType}' is not verified locally; use anonymous`,
    );
  }

  // Checked and planned before anything listens, so a bad s.yaml starts nothing.
  const starters: (() => EventBridgePoller | TimerTrigger)[] = [];
  for (const spec of functions) {
    for (const trigger of spec.props.triggers) {
      if (
        trigger.triggerType === 'eventbridge' &&
        enabled.eventbridge &&
        trigger.triggerConfig.triggerEnable
      ) {
        const mns = options.mns;
        if (!mns)
          throw configError(
            `resources.${spec.resource}.props.triggers`,
            'an MNS trigger needs an MNS connection',
          );
        const queue =
          trigger.triggerConfig.eventSourceConfig.eventSourceParameters.sourceMNSParameters.QueueName;
        starters.push(() =>
          startEventBridgePoller({
            functionName: spec.name,
            triggerName: trigger.triggerName,
            config: trigger.triggerConfig,
            region: spec.props.region,
            accountId,
            source: mnsEventSource(mns, queue),
            invoke: (event, retryCount) => invoke(spec.name, event, { retryCount }),
            clock,
            logger,
            timeScale: options.timeScale,
            idleWaitSeconds: options.idleWaitSeconds,
            functionTimeoutSeconds: spec.props.timeout,
          }),
        );
      }
      if (trigger.triggerType === 'timer' && enabled.timer && trigger.triggerConfig.enable) {
        starters.push(() =>
          startTimerTrigger({
            triggerName: trigger.triggerName,
            config: trigger.triggerConfig,
            invoke: (event) => invoke(spec.name, event),
            clock,
            logger,
          }),
        );
      }
    }
  }

  const server = await startHttpServer({
    invoker: { has: (name) => instances.has(name), invoke: (name, event, init) => invoke(name, event, init) },
    httpFunction,
    keys: [options.credentials],
    accountId,
    port: options.port ?? DEFAULT_PORT,
    hostname: options.hostname,
    logger,
    now: clock.now,
  });
  const triggers = starters.map((start) => start());

  return {
    url: server.url,
    port: server.port,
    functions,
    invoke,
    async close() {
      // Signal every trigger first, then end the instances (which fails their in-flight invocations).
      const stopping = triggers.map((trigger) => trigger.stop());
      await server.close();
      await Promise.all([...instances.values()].map(({ instance }) => instance.close()));
      await Promise.all(stopping);
    },
  };
}
