/**
 * `npm run harden [-- --quick] [--seed N]`: the hardening report — bad HTTP inputs, bad queue messages,
 * signature attacks, and a log scan for secrets — printed as one table and written to
 * bench/results/harden.json. Exits 1 when a goal is not met.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, runHardening } from './harden/report.js';
import { formatTable } from './lib/table.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, seed: { type: 'string' } },
  strict: true,
});
const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);

const report = await runHardening({ quick: values.quick ?? false, seed });
console.log(formatTable(report.rows));
const results = new URL('./results/', import.meta.url);
mkdirSync(results, { recursive: true });
writeFileSync(new URL('harden.json', results), `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `\n${report.quick ? 'quick form; ' : ''}${report.allMet ? 'every goal met' : 'some goals NOT met'}; ` +
    'details in bench/results/harden.json',
);
process.exitCode = report.allMet ? 0 : 1;
