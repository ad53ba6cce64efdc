/**
 * A function's local "instance": a worker thread started on the first invocation (cold start) with exactly
 * the environment FC would give it — s.yaml's environmentVariables, not the host's own env — and a heap
 * capped at the function's memorySize. Invocations past the function timeout fail like FC's; a crashed
 * instance fails its pending invocations and is replaced on the next call.
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

interface Pending {
  resolve: (outcome: InvocationOutcome) => void;
  timer: NodeJS.Timeout;
}

export function createFunctionInstance(spec: FunctionSpec): FunctionInstance {
  const { modulePath, exportName } = resolveHandler(spec.codeDir, spec.props.handler);
  const timeoutMs = spec.props.timeout * 1000;
  const pending = new Map<number, Pending>();
  let worker: Worker | undefined;
  let nextId = 1;

  const settle = (id: number, outcome: InvocationOutcome) => {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(outcome);
  };

  const start = (): Worker => {
    const started = new Worker(WORKER_URL, {
      workerData: { modulePath, exportName },
      env: functionEnv(spec),
      // The worker's own loader hooks (tsx) do not apply to plain bundles; keep its argv clean.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: spec.props.memorySize },
    });
    started.on(
      'message',
      (message: { type: string; id: number; ok: boolean; result?: unknown; error?: FunctionError }) => {
        if (message.type !== 'done') return;
        if (message.ok) settle(message.id, { ok: true, result: decodeResult(message.result) });
        else settle(message.id, { ok: false, error: message.error as FunctionError });
      },
    );
    const crash = (error: FunctionError) => {
      if (worker === started) worker = undefined;
      for (const id of [...pending.keys()]) settle(id, { ok: false, error });
    };
    started.on('error', (error) =>
      crash({ errorType: error.name, errorMessage: `Instance crashed: ${error.message}` }),
    );
    started.on('exit', (code) =>
      crash({ errorType: 'InstanceExited', errorMessage: `Instance exited with code ${code}` }),
    );
    return started;
  };

  return {
    invoke(event, context) {
      worker ??= start();
      const id = nextId++;
      const deadline = Date.now() + timeoutMs;
      return new Promise<InvocationOutcome>((resolve) => {
        const timer = setTimeout(
          () =>
            settle(id, {
              ok: false,
              error: {
                errorType: 'FunctionTimeout',
                errorMessage: `Function timed out after ${spec.props.timeout} seconds`,
              },
            }),
          timeoutMs,
        );
        pending.set(id, { resolve, timer });
        const bytes = new Uint8Array(event);
        worker?.postMessage({ id, event: bytes, context, deadline }, [bytes.buffer]);
      });
    },
    async close() {
      const running = worker;
      worker = undefined;
      for (const id of [...pending.keys()]) {
        settle(id, {
          ok: false,
          error: { errorType: 'HostStopped', errorMessage: 'The local host is stopping' },
        });
      }
      await running?.terminate();
    },
  };
}

function decodeResult(result: unknown): InvocationResult {
  const r = result as InvocationResult | { kind: 'bytes'; data: Uint8Array };
  if (r.kind === 'bytes')
    return { kind: 'bytes', data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength) };
  return r;
}
