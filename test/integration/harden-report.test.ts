/**
 * The short form of `npm run harden`: every goal of the hardening report, asserted as counts against the
 * real functions, the local ICE and MNS services and the real @alicloud clients.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type HardeningReport, runHardening } from '../../bench/harden/report.js';

describe('the hardening report (quick form)', () => {
  let report: HardeningReport;
  beforeAll(async () => {
    report = await runHardening({ quick: true });
  }, 60_000);

  it('tries at least 500 bad HTTP inputs and answers none with a 5xx or a throw, signed or unsigned', () => {
    expect(report.http.inputs).toBeGreaterThanOrEqual(500);
    for (const mode of report.http.modes) {
      expect(mode.failures).toEqual([]);
      expect(mode.answers.total).toBe(report.http.inputs);
      expect(mode.answers.byClass['5xx']).toBe(0);
      expect(mode.answers.threw).toBe(0);
    }
  });

  it('lets no bad HTTP input reach ICE or the queue', () => {
    for (const mode of report.http.modes) {
      expect({
        mode: mode.mode,
        ice: mode.iceCalls,
        requests: mode.iceRequests,
        sends: mode.queueSends,
      }).toEqual({
        mode: mode.mode,
        ice: 0,
        requests: 0,
        sends: 0,
      });
    }
  });

  it('dead-letters each of at least 200 bad queue messages with its reason, on the DeadLetter contract', () => {
    expect(report.queue.bad).toBeGreaterThanOrEqual(200);
    expect(report.queue.letterIssues).toEqual([]);
    expect(report.queue.missing).toEqual([]);
    expect(report.queue.deadLetteredWithReason).toBe(report.queue.bad);
    expect(report.queue.unexpectedLetters).toBe(0);
    expect(report.queue.threw).toBe(0);
  });

  it('applies every valid neighbour of the bad queue messages', () => {
    expect(report.queue.neighbours).toBeGreaterThan(0);
    expect(report.queue.neighboursNotApplied).toEqual([]);
    expect(report.queue.neighboursApplied).toBe(report.queue.neighbours);
  });

  it('refuses every signature attack with 401 without calling ICE or the queue', () => {
    expect(report.signatures.notRefused).toEqual([]);
    expect(report.signatures.answers.byStatus['401']).toBe(report.signatures.attacks);
    expect(report.signatures.iceCalls + report.signatures.iceRequests + report.signatures.queueSends).toBe(0);
  });

  it('serves correctly signed requests under either active secret, so the refusals come from the signature', () => {
    expect(report.signatures.controls.served).toBe(report.signatures.controls.tried);
  });

  it('finds no secret, STS token or sent signature in any captured log line', () => {
    expect(report.logs.lines).toBeGreaterThan(report.http.inputs);
    expect(report.logs.hits).toEqual([]);
  });

  it('meets every goal of its table', () => {
    expect(report.rows.filter((row) => row.met === false)).toEqual([]);
  });
});
