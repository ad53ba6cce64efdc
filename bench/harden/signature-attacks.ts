/**
 * Signature attacks on the HTTP function in signed mode (two secrets active, as during a rotation), each
 * against every route with a well-formed request that would be served if the signature were accepted:
 * wrong secret, replayed old signatures (outside ±300 s), clock skew both ways (sender and server), cut
 * MACs, other algorithms and encodings, missing or malformed `t`, duplicated parameters, a signature for
 * another body, a missing header, an empty secret list, and generated one-character mutations of valid
 * headers (fast-check). Goal: all refused with 401, no ICE call, no queue send. Correctly signed controls
 * must pass, so refusals are proven to come from the signature check. Findings that are by design (not
 * goals) are measured too: a signature covers `t` and the body only, not the method or path, and there is
 * no nonce.
 */
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { HttpDeps } from '../../functions/http/app.js';
import { authenticate } from '../../functions/http/auth.js';
import { errorResponse } from '../../functions/http/error-response.js';
import { SIGNATURE_HEADER, signPayload } from '../../shared/webhook-signature.js';
import { httpEventObject } from '../../test/helpers/fc.js';
import { type CountedHttpHandler, countedHttpHandler } from './counted-http-handler.js';
import type { OutputCapture } from './output-capture.js';
import type { HardenServices } from './services.js';
import { nowSeconds, withSignature } from './sign-event.js';
import { count, emptyTally, type StatusTally } from './status-tally.js';

export interface Target {
  route: string;
  method: string;
  path: string;
  body: string;
}

export interface SignatureAttack {
  kind: string;
  name: string;
  /** The x-signature value to send (undefined: no header) for `body` at `now` (unix seconds). */
  header: (body: string, now: number) => string | undefined;
  /** The body actually sent, when it differs from the signed one. */
  sentBody?: (body: string) => string;
  /** The function's clock is off by this much (seconds). */
  serverSkewSeconds?: number;
}

export interface SignatureAttacksResult {
  attacks: number;
  byKind: Record<string, { tried: number; refused: number }>;
  answers: StatusTally;
  iceCalls: number;
  iceRequests: number;
  queueSends: number;
  /** Attacks not answered 401 (first 20). */
  notRefused: { kind: string; name: string; route: string; outcome: string }[];
  /** Correctly signed requests (each secret, each route): must be served. */
  controls: { tried: number; served: number };
  /** Measured behaviour that is by design, not a goal. */
  findings: { name: string; outcome: string }[];
}

const hmac = (algorithm: string, secret: string, text: string, encoding: 'hex' | 'base64' = 'hex') =>
  createHmac(algorithm, secret).update(text).digest(encoding);

/** Every attack, signed with `secret` where it needs a real key. */
export function signatureAttacks(secret: string, wrongSecret: string): SignatureAttack[] {
  const mac = (body: string, t: number) => hmac('sha256', secret, `${t}.${body}`);
  const at = (offset: number) => (body: string, now: number) => signPayload(secret, body, now + offset);
  const attack = (
    kind: string,
    name: string,
    header: SignatureAttack['header'],
    more: Partial<SignatureAttack> = {},
  ) => ({ kind, name, header, ...more }) satisfies SignatureAttack;
  return [
    attack('wrong secret', 'unknown secret', (b, t) => signPayload(wrongSecret, b, t)),
    attack('wrong secret', 'empty secret', (b, t) => signPayload('', b, t)),
    attack('wrong secret', 'secret + trailing space', (b, t) => signPayload(`${secret} `, b, t)),
    attack('wrong secret', 'secret in upper case', (b, t) => signPayload(secret.toUpperCase(), b, t)),
    attack('replay (old signature)', '301 s old', at(-301)),
    attack('replay (old signature)', '1 hour old', at(-3_600)),
    attack('replay (old signature)', '1 year old', at(-31_536_000)),
    attack('replay (old signature)', 't=0', (b) => signPayload(secret, b, 0)),
    attack('clock skew', 'sender 301 s ahead', at(301)),
    attack('clock skew', 'sender 1 day ahead', at(86_400)),
    attack('clock skew', 'server 301 s ahead', at(0), { serverSkewSeconds: 301 }),
    attack('clock skew', 'server 301 s behind', at(0), { serverSkewSeconds: -301 }),
    attack('truncated v1', '63 hex', (b, t) => `t=${t},v1=${mac(b, t).slice(0, 63)}`),
    attack('truncated v1', '32 hex', (b, t) => `t=${t},v1=${mac(b, t).slice(0, 32)}`),
    attack('truncated v1', '1 hex', (b, t) => `t=${t},v1=${mac(b, t).slice(0, 1)}`),
    attack('truncated v1', 'empty v1', (_b, t) => `t=${t},v1=`),
    attack('truncated v1', 'cut after the comma', (_b, t) => `t=${t},`),
    attack('truncated v1', 't only', (_b, t) => `t=${t}`),
    attack('other algorithm', 'v2= label', (b, t) => `t=${t},v2=${mac(b, t)}`),
    attack('other algorithm', 'v0= label', (b, t) => `t=${t},v0=${mac(b, t)}`),
    attack('other algorithm', 'HMAC-SHA1 in v1', (b, t) => `t=${t},v1=${hmac('sha1', secret, `${t}.${b}`)}`),
    attack(
      'other algorithm',
      'HMAC-SHA512 in v1',
      (b, t) => `t=${t},v1=${hmac('sha512', secret, `${t}.${b}`)}`,
    ),
    attack('other algorithm', 'HMAC-MD5 in v1', (b, t) => `t=${t},v1=${hmac('md5', secret, `${t}.${b}`)}`),
    attack('other algorithm', 'sha256= (GitHub style)', (b, t) => `sha256=${mac(b, t)}`),
    attack(
      'other algorithm',
      'base64 MAC',
      (b, t) => `t=${t},v1=${hmac('sha256', secret, `${t}.${b}`, 'base64')}`,
    ),
    attack('other algorithm', 'upper-case hex MAC', (b, t) => `t=${t},v1=${mac(b, t).toUpperCase()}`),
    attack(
      'other algorithm',
      'keyless SHA-256',
      (b, t) => `t=${t},v1=${createHash('sha256').update(`${t}.${b}`).digest('hex')}`,
    ),
    attack('missing t', 'v1 only', (b, t) => `v1=${mac(b, t)}`),
    attack('missing t', 'empty t', (b, t) => `t=,v1=${mac(b, t)}`),
    attack('missing t', 't not a number', (b, t) => `t=abc,v1=${mac(b, t)}`),
    attack('missing t', 'negative t', (b) => `t=-1,v1=${mac(b, -1)}`),
    attack('missing t', 't in milliseconds', (b, t) => `t=${t * 1000},v1=${mac(b, t * 1000)}`),
    attack('missing t', 't in exponent form', (b, t) => `t=${t}e0,v1=${mac(b, t)}`),
    attack('duplicated params', 't twice', (b, t) => `t=${t},t=${t},v1=${mac(b, t)}`),
    attack('duplicated params', 'old t, then valid', (b, t) => `t=${t - 3_600},t=${t},v1=${mac(b, t)}`),
    attack(
      'duplicated params',
      'valid v1, then junk v1',
      (b, t) => `t=${t},v1=${mac(b, t)},v1=${'0'.repeat(64)}`,
    ),
    attack(
      'duplicated params',
      'junk v1, then valid v1',
      (b, t) => `t=${t},v1=${'0'.repeat(64)},v1=${mac(b, t)}`,
    ),
    attack(
      'duplicated params',
      'two signatures in one header',
      (b, t) => `${signPayload(secret, b, t)},${signPayload(secret, b, t)}`,
    ),
    attack('duplicated params', 'v1 before t', (b, t) => `v1=${mac(b, t)},t=${t}`),
    attack('duplicated params', 'semicolon separator', (b, t) => `t=${t};v1=${mac(b, t)}`),
    attack('duplicated params', 'space after comma', (b, t) => `t=${t}, v1=${mac(b, t)}`),
    attack('different body', 'signed empty, sent a body', (_b, t) => signPayload(secret, '', t), {
      sentBody: (b) => b || '{}',
    }),
    attack('different body', 'signed body, sent with a space', at(0), { sentBody: (b) => `${b} ` }),
    attack('different body', 'signed body + newline, sent body', (b, t) => signPayload(secret, `${b}\n`, t)),
    attack(
      'different body',
      'MAC over t + body without the dot',
      (b, t) => `t=${t},v1=${hmac('sha256', secret, `${t}${b}`)}`,
    ),
    attack('different body', 'MAC over the body alone', (b, t) => `t=${t},v1=${hmac('sha256', secret, b)}`),
    attack('different body', 'MAC over another body', (b, t) => signPayload(secret, `${b}x`, t)),
    attack('missing signature', 'no header', () => undefined),
    attack('missing signature', 'empty header', () => ''),
    attack('missing signature', 'blank header', () => '   '),
  ];
}

export const targets = (jobId: string): Target[] => [
  { route: 'GET /jobs/{id}', method: 'GET', path: `/jobs/${jobId}`, body: '' },
  {
    route: 'PATCH /jobs/{id}',
    method: 'PATCH',
    path: `/jobs/${jobId}`,
    body: JSON.stringify({ avatarDescription: 'signed update' }),
  },
  {
    route: 'POST /updates',
    method: 'POST',
    path: '/updates',
    body: JSON.stringify([{ jobId, avatarDescription: 'signed via the queue' }]),
  },
  { route: 'GET /openapi.json', method: 'GET', path: '/openapi.json', body: '' },
];

const eventFor = (target: Target, body: string, header: string | undefined) => {
  const event = httpEventObject({ method: target.method, path: target.path, body });
  return header === undefined ? event : withSignature(event, '', header);
};

/** One character of a valid header changed: never accepted. */
const mutation = fc.record({
  target: fc.nat(),
  position: fc.nat(),
  char: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
});

export async function runSignatureAttacks(
  services: HardenServices,
  capture: OutputCapture,
  options: {
    secrets: [current: string, previous: string];
    wrongSecret: string;
    mutations: number;
    seed: number;
    signatures: string[];
  },
): Promise<SignatureAttacksResult> {
  const [current, previous] = options.secrets;
  const env = { ...services.env, WEBHOOK_SECRET: `${current},${previous}`, LOG_LEVEL: 'debug' };
  const handlers = new Map<number, CountedHttpHandler>();
  const handlerFor = (skewSeconds: number) => {
    let counted = handlers.get(skewSeconds);
    if (counted === undefined) {
      const clock: HttpDeps['clock'] = { now: () => Date.now() + skewSeconds * 1000 };
      counted = countedHttpHandler(env, capture.sink, skewSeconds === 0 ? {} : { clock });
      handlers.set(skewSeconds, counted);
    }
    return counted;
  };
  const sent = (header: string | undefined) => {
    if (header) options.signatures.push(header);
    return header;
  };
  const send = async (target: Target, body: string, header: string | undefined, skewSeconds = 0) => {
    try {
      const event = eventFor(target, body, sent(header));
      const response = await handlerFor(skewSeconds).handler(
        Buffer.from(JSON.stringify(event)),
        services.context(),
      );
      return response.statusCode;
    } catch {
      return 'threw' as const;
    }
  };
  const totals = () =>
    [...handlers.values()].reduce(
      (sum, h) => ({ ice: sum.ice + h.calls.ice, queueSends: sum.queueSends + h.calls.queueSends }),
      { ice: 0, queueSends: 0 },
    );

  const jobId = services.ice.jobs.create({ avatarName: 'signed' }).JobId;
  const routes = targets(jobId);
  const answers = emptyTally();
  const byKind: SignatureAttacksResult['byKind'] = {};
  const notRefused: SignatureAttacksResult['notRefused'] = [];
  const record = (kind: string, name: string, route: string, outcome: number | 'threw') => {
    count(answers, outcome);
    const tally = byKind[kind] ?? { tried: 0, refused: 0 };
    byKind[kind] = tally;
    tally.tried++;
    if (outcome === 401) tally.refused++;
    else if (notRefused.length < 20) notRefused.push({ kind, name, route, outcome: String(outcome) });
  };

  handlerFor(0);
  const before = { ...totals(), requests: services.ice.counters().requests };
  for (const a of signatureAttacks(current, options.wrongSecret)) {
    for (const target of routes) {
      const header = a.header(target.body, nowSeconds());
      const body = a.sentBody ? a.sentBody(target.body) : target.body;
      record(a.kind, a.name, target.route, await send(target, body, header, a.serverSkewSeconds));
    }
  }
  // No handler accepts an empty secret list (a blank WEBHOOK_SECRET means unsigned locally, closed on FC),
  // so the signed-mode check itself is given one.
  for (const target of routes) {
    const header = sent(signPayload(current, target.body, nowSeconds())) ?? '';
    let outcome: number;
    try {
      authenticate(
        { kind: 'signed', secrets: [] },
        new Map([[SIGNATURE_HEADER, header]]),
        target.body,
        Date.now(),
      );
      outcome = 200;
    } catch (error) {
      outcome = errorResponse(error, 'harden').response.statusCode;
    }
    record('empty secret list', 'authenticate() with no secrets', target.route, outcome);
  }
  const mutated = fc.sample(mutation, { numRuns: options.mutations, seed: options.seed });
  for (const m of mutated) {
    const target = routes[m.target % routes.length]!;
    const valid = signPayload(current, target.body, nowSeconds());
    const position = m.position % valid.length;
    const char = m.char === valid[position] ? (m.char === 'a' ? 'b' : 'a') : m.char;
    const header = `${valid.slice(0, position)}${char}${valid.slice(position + 1)}`;
    record(
      'one character changed (generated)',
      `${position}:${char}`,
      target.route,
      await send(target, target.body, header),
    );
  }
  const after = { ...totals(), requests: services.ice.counters().requests };

  let served = 0;
  for (const secret of [current, previous]) {
    for (const target of routes) {
      const status = await send(target, target.body, signPayload(secret, target.body, nowSeconds()));
      if (typeof status === 'number' && status >= 200 && status < 300) served++;
    }
  }

  const findings: SignatureAttacksResult['findings'] = [];
  const getJob = routes[0]!;
  const captured = signPayload(current, '', nowSeconds());
  const otherJob = services.ice.jobs.create({ avatarName: 'other' }).JobId;
  findings.push({
    name: 'GET /jobs/A signature reused on GET /jobs/B within ±300 s (path not signed)',
    outcome: String(await send({ ...getJob, path: `/jobs/${otherJob}` }, '', captured)),
  });
  findings.push({
    name: 'same signed request replayed within ±300 s (no nonce)',
    outcome: String(await send(getJob, '', captured)),
  });
  const blank = { ...services.env, WEBHOOK_SECRET: ' , ' };
  const onFc = countedHttpHandler({ ...blank, FC_FUNCTION_NAME: 'avatar-job-http' }, capture.sink);
  const blankEvent = Buffer.from(JSON.stringify(eventFor(getJob, '', captured)));
  findings.push({
    name: 'blank WEBHOOK_SECRET (" , ") on FC: closed',
    outcome: String((await onFc.handler(blankEvent, services.context())).statusCode),
  });

  return {
    attacks: answers.total,
    byKind,
    answers,
    iceCalls: after.ice - before.ice,
    iceRequests: after.requests - before.requests,
    queueSends: after.queueSends - before.queueSends,
    notRefused,
    controls: { tried: 2 * routes.length, served },
    findings,
  };
}
