import { mnsErrors } from './errors.js';

/**
 * Parses a decimal integer request value and checks its range, answering `400 InvalidArgument`
 * in MNS's documented wording ("The value of X should between Low and High unit.").
 */
export function integerArgument(value: string, name: string, min: number, max: number, unit = ''): number {
  const parsed = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw mnsErrors.invalidArgument(`The value of ${name} should between ${min} and ${max}${unit}.`);
  }
  return parsed;
}
