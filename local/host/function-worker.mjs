// @ts-check
/**
 * One FC "instance": a worker thread that loads the function's bundle once (cold start) and runs its
 * handler for each invocation the host posts. Plain JavaScript because Node 20 cannot load a TypeScript
 * worker entry through loader hooks; the host side (function-instance.ts) is typed.
 */

import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { modulePath, exportName } = workerData;

/** @param {unknown} error */
function describe(error) {
  const e = /** @type {{ name?: unknown, message?: unknown, stack?: unknown }} */ (error ?? {});
  const stack =
    typeof e.stack === 'string'
      ? e.stack
          .split('\n')
          .slice(1)
          .map((line) => line.trim())
      : [];
  return {
    errorType: typeof e.name === 'string' ? e.name : 'Error',
    errorMessage: typeof e.message === 'string' ? e.message : String(error),
    stackTrace: stack,
  };
}

/** FC's rules: a Buffer as is, objects as JSON, anything else through String(). */
function encode(value) {
  if (value === undefined || value === null) return { kind: 'empty' };
  if (value instanceof Uint8Array) return { kind: 'bytes', data: value };
  if (typeof value === 'string') return { kind: 'text', text: value };
  if (typeof value === 'object') return { kind: 'json', text: JSON.stringify(value) };
  return { kind: 'text', text: String(value) };
}

/** `time requestId [level] message`, the FC console logger's line format. */
function contextLogger(requestId) {
  const line =
    (level) =>
    (...args) => {
      const text = args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      process.stdout.write(`${new Date().toISOString()} ${requestId} [${level}] ${text}\n`);
    };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    log: line('info'),
  };
}

let handler;
let loadError;
try {
  const module = await import(pathToFileURL(modulePath).href);
  handler = module[exportName] ?? module.default?.[exportName];
  if (typeof handler !== 'function') {
    loadError = {
      errorType: 'HandlerNotFound',
      errorMessage: `${modulePath} does not export a function named "${exportName}"`,
      stackTrace: [],
    };
  }
} catch (error) {
  loadError = describe(error);
}
parentPort?.postMessage({ type: 'ready', error: loadError });

parentPort?.on('message', async (message) => {
  const { event, context, deadline } = message;
  if (loadError) {
    parentPort?.postMessage({ type: 'done', ok: false, error: loadError });
    return;
  }
  const fcContext = {
    ...context,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    logger: contextLogger(context.requestId),
  };
  try {
    const value = await handler(Buffer.from(event.buffer, event.byteOffset, event.byteLength), fcContext);
    parentPort?.postMessage({ type: 'done', ok: true, result: encode(value) });
  } catch (error) {
    parentPort?.postMessage({ type: 'done', ok: false, error: describe(error) });
  }
});
