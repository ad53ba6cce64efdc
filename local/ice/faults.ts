import { IceError } from './ice-error.js';

/**
 * Fault injection for the local ICE service. Each authenticated API request draws one random number
 * and lands in at most one fault band, in this order: drop, slow, throttle, error, unavailable; so
 * the rates are exact probabilities and must add up to at most 1. `maxRps` is separate: beyond that
 * many requests in one second of the service clock, requests get `Throttling.User`.
 */
export interface IceFaults {
  /** Destroy the socket without answering. */
  dropRate?: number;
  /** Answer normally but only after `slowMs`, so a client with a shorter read timeout gives up. */
  slowRate?: number;
  slowMs?: number;
  /** 400 `Throttling`. */
  throttleRate?: number;
  /** 500 `InternalError`. */
  errorRate?: number;
  /** 503 `ServiceUnAvailable`. */
  unavailableRate?: number;
  /** Requests per second before 400 `Throttling.User`; 0 or absent = unlimited. */
  maxRps?: number;
}

export type FaultDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'slow'; readonly delayMs: number }
  | { readonly kind: 'error'; readonly error: IceError };

const RATES = ['dropRate', 'slowRate', 'throttleRate', 'errorRate', 'unavailableRate'] as const;
const KEYS: ReadonlySet<string> = new Set([...RATES, 'slowMs', 'maxRps']);

export const DEFAULT_SLOW_MS = 5_000;

const NONE: FaultDecision = { kind: 'none' };
const DROP: FaultDecision = { kind: 'drop' };
const THROTTLING: FaultDecision = {
  kind: 'error',
  error: new IceError(400, 'Throttling', 'Request was denied due to request throttling.'),
};
const INTERNAL_ERROR: FaultDecision = {
  kind: 'error',
  error: new IceError(500, 'InternalError', 'The request processing has failed due to some unknown error.'),
};
const UNAVAILABLE: FaultDecision = {
  kind: 'error',
  error: new IceError(
    503,
    'ServiceUnAvailable',
    'The request has failed due to a temporary failure of the server.',
  ),
};
const THROTTLING_USER = new IceError(400, 'Throttling.User', 'Request was denied due to user flow control.');

/** Checks an untrusted value (e.g. the control endpoint's JSON body); throws a RangeError naming the problem. */
export function parseFaults(value: unknown): IceFaults {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RangeError('faults must be a JSON object');
  }
  const faults: IceFaults = {};
  let total = 0;
  for (const [key, raw] of Object.entries(value)) {
    if (!KEYS.has(key)) throw new RangeError(`unknown fault setting "${key}"`);
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) {
      throw new RangeError(`${key} must be a finite number >= 0`);
    }
    if ((RATES as readonly string[]).includes(key)) {
      if (raw > 1) throw new RangeError(`${key} must be between 0 and 1`);
      total += raw;
    } else if (!Number.isInteger(raw)) {
      throw new RangeError(`${key} must be an integer`);
    }
    faults[key as keyof IceFaults] = raw;
  }
  if (total > 1 + 1e-9) throw new RangeError('the fault rates must add up to at most 1');
  return faults;
}

export class FaultInjector {
  private faults: IceFaults = {};
  private anyRate = false;
  private windowSecond = Number.NaN;
  private windowCount = 0;

  constructor(
    private readonly random: () => number,
    private readonly now: () => number,
    faults: IceFaults = {},
  ) {
    this.set(faults);
  }

  /** Replaces the whole configuration (validated). */
  set(faults: IceFaults): void {
    this.faults = parseFaults({ ...faults });
    this.anyRate = RATES.some((key) => (this.faults[key] ?? 0) > 0);
  }

  get current(): IceFaults {
    return { ...this.faults };
  }

  /** The `Throttling.User` error when this request exceeds `maxRps` in the current second. */
  rateLimit(): IceError | undefined {
    const maxRps = this.faults.maxRps;
    if (maxRps === undefined || maxRps === 0) return undefined;
    const second = Math.floor(this.now() / 1000);
    if (second !== this.windowSecond) {
      this.windowSecond = second;
      this.windowCount = 0;
    }
    this.windowCount++;
    return this.windowCount > maxRps ? THROTTLING_USER : undefined;
  }

  decide(): FaultDecision {
    if (!this.anyRate) return NONE;
    const f = this.faults;
    const r = this.random();
    let edge = f.dropRate ?? 0;
    if (r < edge) return DROP;
    edge += f.slowRate ?? 0;
    if (r < edge) return { kind: 'slow', delayMs: f.slowMs ?? DEFAULT_SLOW_MS };
    edge += f.throttleRate ?? 0;
    if (r < edge) return THROTTLING;
    edge += f.errorRate ?? 0;
    if (r < edge) return INTERNAL_ERROR;
    edge += f.unavailableRate ?? 0;
    if (r < edge) return UNAVAILABLE;
    return NONE;
  }
}
