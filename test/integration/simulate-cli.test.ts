import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('tandem simulate', () => {
  it('runs a 16-week round of 40 and reports 40 introductions and 320 topic mails as JSON', async () => {
    const { stdout } = await run(
      'node',
      ['bin/tandem.js', 'simulate', '--participants', '40', '--weeks', '16', '--seed', '3', '--json'],
      { env: { ...process.env, CI: 'true' }, maxBuffer: 10 * 1024 * 1024 },
    );

    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({
      roundId: 'sim-3',
      participants: 40,
      partnerships: 20,
      mails: { intro: 40, topic: 320 },
      delivered: 360,
      deadLetters: 0,
      failedInvocations: 0,
    });
    expect(summary.perParticipant).toEqual({ intro: { min: 1, max: 1 }, topic: { min: 8, max: 8 } });
    // Two ledger writes per mail (claim, sent) and one for the launch transition; the dispatcher writes nothing.
    expect(summary.dynamoWrites).toBe(2 * 360 + 1);
    expect(summary.sesCalls).toBeGreaterThanOrEqual(360);
    for (const field of ['dynamoRequests', 'durationMs']) expect(summary[field]).toBeGreaterThan(0);
  });

  it('refuses a cohort size outside its range with a message naming the option', async () => {
    const failure = await run('node', ['bin/tandem.js', 'simulate', '--participants', '1', '--json']).catch(
      (e) => e,
    );

    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('--participants');
  });
});
