/**
 * Bad HTTP inputs (the hand-written corpus plus generated ones) through the HTTP function in-process, in
 * both auth modes: signed (WEBHOOK_SECRET set; each event object carries a valid signature, so validation
 * past the signature check is reached) and unsigned-local (no secret, not on FC). Goals: no 5xx, no
 * throw, no ICE call.
 */
import type { HttpHandler } from '../../functions/http/app.js';
import { countedHttpHandler } from './counted-http-handler.js';
import { generatedHttpInputs } from './http-arbitraries.js';
import { type BadHttpInput, httpCorpus } from './http-corpus.js';
import type { OutputCapture } from './output-capture.js';
import type { HardenServices } from './services.js';
import { withSignature } from './sign-event.js';
import { count, emptyTally, type StatusTally } from './status-tally.js';

export interface HttpModeResult {
  mode: 'signed' | 'unsigned-local';
  answers: StatusTally;
  /** getJob/updateJob calls the function made (counted at its client). */
  iceCalls: number;
  /** API requests the local ICE service received. */
  iceRequests: number;
  queueSends: number;
  /** Inputs answered 5xx, thrown on, or that reached ICE (first 20). */
  failures: { kind: string; name: string; outcome: string }[];
}

export interface HttpInputsResult {
  inputs: number;
  corpus: number;
  generated: number;
  seed: number;
  byKind: Record<string, number>;
  modes: HttpModeResult[];
}

const MAX_FAILURES = 20;

function eventBytes(event: BadHttpInput['event']): Buffer {
  if (Buffer.isBuffer(event)) return event;
  return Buffer.from(typeof event === 'string' ? event : JSON.stringify(event));
}

async function runMode(
  mode: HttpModeResult['mode'],
  handler: HttpHandler,
  calls: { ice: number; queueSends: number },
  inputs: readonly BadHttpInput[],
  services: HardenServices,
  sign: (event: Record<string, unknown>) => Record<string, unknown>,
): Promise<HttpModeResult> {
  const answers = emptyTally();
  const failures: HttpModeResult['failures'] = [];
  const requestsBefore = services.ice.counters().requests;
  for (const input of inputs) {
    const event =
      typeof input.event === 'object' && !Buffer.isBuffer(input.event) ? sign(input.event) : input.event;
    const iceBefore = calls.ice;
    let outcome: number | 'threw';
    try {
      outcome = (await handler(eventBytes(event), services.context())).statusCode;
    } catch {
      outcome = 'threw';
    }
    count(answers, outcome);
    const reachedIce = calls.ice > iceBefore;
    if ((outcome === 'threw' || outcome >= 500 || reachedIce) && failures.length < MAX_FAILURES) {
      failures.push({
        kind: input.kind,
        name: input.name,
        outcome: `${outcome}${reachedIce ? ' + ICE call' : ''}`,
      });
    }
  }
  return {
    mode,
    answers,
    iceCalls: calls.ice,
    iceRequests: services.ice.counters().requests - requestsBefore,
    queueSends: calls.queueSends,
    failures,
  };
}

export async function runHttpInputs(
  services: HardenServices,
  capture: OutputCapture,
  options: { generated: number; seed: number; secret: string; signatures: string[] },
): Promise<HttpInputsResult> {
  const corpus = httpCorpus();
  const generated = generatedHttpInputs(options.generated, options.seed);
  const inputs = [...corpus, ...generated];
  const byKind: Record<string, number> = {};
  for (const input of inputs) byKind[input.kind] = (byKind[input.kind] ?? 0) + 1;

  const env = { ...services.env, LOG_LEVEL: 'debug' };
  const signed = countedHttpHandler({ ...env, WEBHOOK_SECRET: options.secret }, capture.sink);
  const unsigned = countedHttpHandler(env, capture.sink);
  const sign = (event: Record<string, unknown>) => {
    const signedEvent = withSignature(event, options.secret);
    const header = (signedEvent.headers as Record<string, unknown> | undefined)?.['x-signature'];
    if (typeof header === 'string') options.signatures.push(header);
    return signedEvent;
  };
  const modes = [
    await runMode('signed', signed.handler, signed.calls, inputs, services, sign),
    await runMode('unsigned-local', unsigned.handler, unsigned.calls, inputs, services, (e) => e),
  ];
  return {
    inputs: inputs.length,
    corpus: corpus.length,
    generated: generated.length,
    seed: options.seed,
    byKind,
    modes,
  };
}
