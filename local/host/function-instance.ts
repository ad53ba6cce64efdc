/**
 * A function's local instances: worker threads started on demand (cold starts) with exactly the
 * environment FC would give them — s.yaml's environmentVariables, not the host's own env — and a heap
 * capped at the function's memorySize. As in FC's built-in runtimes, an instance serves one invocation at
 * a time (concurrent calls get other instances, up to a cap); an invocation past the function timeout fails
 * like FC's and its instance is killed; a crashed instance fails its invocation and is replaced.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FunctionSpec } from './s-yaml.js';

export type InvocationResult =
  | { kind: 'empty' }
  | { kind: 'bytes'; data: Buffer }
  | { kind: 'text'; text: string }
  | { kind: 'json'; text: string };

/** FC's error payload for an unhandled invocation error. */
export interface FunctionError {
  errorMessage: string;
  errorType: string;
  stackTrace?: string[];
}

export type InvocationOutcome = { ok: true; result: InvocationResult } | { ok: false; error: FunctionError };

/** The serialisable part of the FC context; the worker adds getRemainingTimeInMillis and logger. */
export type PlainContext = Record<string, unknown> & { requestId: string };

export interface FunctionInstance {
  invoke(event: Buffer, context: PlainContext): Promise<InvocationOutcome>;
  close(): Promise<void>;
}

/** Variables every process needs; FC sets these too. Nothing else leaks from the host. */
const BASE_ENV_KEYS = ['PATH', 'HOME', 'TMPDIR', 'LANG'] as const;
const MODULE_EXTENSIONS = ['.js', '.mjs', '.cjs'];
const WORKER_URL = new URL('./function-worker.mjs', import.meta.url);

/** `index.handler` in `codeDir` → the module file and the export name. */
export function resolveHandler(codeDir: string, handler: string): { modulePath: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  const file = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const base = join(codeDir, file);
  const modulePath =
    MODULE_EXTENSIONS.map((ext) => base + ext).find((path) => existsSync(path)) ?? `${base}.js`;
  return { modulePath, exportName };
}

export function functionEnv(
  spec: FunctionSpec,
  hostEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const base: Record<string, string> = {};
  for (const key of BASE_ENV_KEYS) {
    const value = hostEnv[key];
    if (value !== undefined) base[key] = value;
  }
  return { ...base, ...spec.props.environmentVariables };
}

/** Concurrent instances per function before further calls wait (FC's default cap is per region). */
const MAX_INSTANCES = 8;

interface Instance {
  worker: Worker;
  busy?: { resolve: (outcome: InvocationOutcome) => void; timer: NodeJS.Timeout };
}

const failure = (errorType: string, errorMessage: string): InvocationOutcome => ({
  ok: false,
  error: { errorType, errorMessage },
});

export function createFunctionInstance(spec: FunctionSpec): FunctionInstance {
  const { modulePath, exportName } = resolveHandler(spec.codeDir, spec.props.handler);
  const timeoutMs = spec.props.timeout * 1000;
  const live = new Set<Instance>();
  const idle: Instance[] = [];
  const waiting: (() => void)[] = [];
  let closed = false;

  /** Hands the instance's invocation its outcome; a still-live instance goes back to the idle pool. */
  const finish = (instance: Instance, outcome: InvocationOutcome) => {
    const busy = instance.busy;
    if (!busy) return;
    instance.busy = undefined;
    clearTimeout(busy.timer);
    busy.resolve(outcome);
    if (live.has(instance)) idle.push(instance);
    waiting.shift()?.();
  };

  /** Takes an instance out of service (crashed, timed out, or the host stops). */
  const retire = (instance: Instance, outcome: InvocationOutcome) => {
    if (!live.delete(instance)) return;
    const at = idle.indexOf(instance);
    if (at >= 0) idle.splice(at, 1);
    finish(instance, outcome);
    void instance.worker.terminate();
  };

  const spawn = (): Instance => {
    const worker = new Worker(WORKER_URL, {
      workerData: { modulePath, exportName },
      env: functionEnv(spec),
      // The worker's own loader hooks (tsx) do not apply to plain bundles; keep its argv clean.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: spec.props.memorySize },
    });
    const instance: Instance = { worker };
    live.add(instance);
    worker.on(
      'message',
      (message: { type: string; ok: boolean; result?: unknown; error?: FunctionError }) => {
        if (message.type !== 'done') return;
        finish(
          instance,
          message.ok
            ? { ok: true, result: decodeResult(message.result) }
            : { ok: false, error: message.error as FunctionError },
        );
      },
    );
    worker.on('error', (error) =>
      retire(instance, failure(error.name, `Instance crashed: ${error.message}`)),
    );
    worker.on('exit', (code) =>
      retire(instance, failure('InstanceExited', `Instance exited with code ${code}`)),
    );
    return instance;
  };

  const acquire = async (): Promise<Instance | undefined> => {
    for (;;) {
      if (closed) return undefined;
      const instance = idle.pop();
      if (instance) return instance;
      if (live.size < MAX_INSTANCES) return spawn();
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };

  return {
    async invoke(event, context) {
      const instance = await acquire();
      if (!instance) return failure('HostStopped', 'The local host is stopping');
      return new Promise<InvocationOutcome>((resolve) => {
        // FC kills an instance whose invocation overran: a handler stuck in a loop must not poison the next.
        const timer = setTimeout(
          () =>
            retire(
              instance,
              failure('FunctionTimeout', `Function timed out after ${spec.props.timeout} seconds`),
            ),
          timeoutMs,
        );
        instance.busy = { resolve, timer };
        const bytes = new Uint8Array(event);
        instance.worker.postMessage({ event: bytes, context, deadline: Date.now() + timeoutMs }, [
          bytes.buffer,
        ]);
      });
    },
    async close() {
      closed = true;
      const instances = [...live];
      for (const instance of instances)
        retire(instance, failure('HostStopped', 'The local host is stopping'));
      for (const wake of waiting.splice(0)) wake();
      await Promise.all(instances.map((instance) => instance.worker.terminate()));
    },
  };
}

function decodeResult(result: unknown): InvocationResult {
  const r = result as InvocationResult | { kind: 'bytes'; data: Uint8Array };
  if (r.kind === 'bytes')
    return { kind: 'bytes', data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength) };
  return r;
}
