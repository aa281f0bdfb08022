import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

const simulate = async (...args: string[]) => {
  const { stdout } = await run('node', ['bin/tandem.js', 'simulate', '--weeks', '16', '--json', ...args], {
    env: { ...process.env, CI: 'true' },
    maxBuffer: 10 * 1024 * 1024,
  });
  return JSON.parse(stdout);
};

describe('tandem simulate', () => {
  it('runs a 16-week round of 40 in which nobody writes, and accounts for every mail and write', async () => {
    const summary = await simulate('--participants', '40', '--seed', '3', '--no-behaviours');

    expect(summary).toMatchObject({
      roundId: 'sim-3',
      participants: 40,
      partnerships: 20,
      // Everyone gets the introduction, eight topics and the check-in; silence brings one nudge each,
      // then all 20 partnerships are at risk (both partners quiet: nobody to re-pair), and the round closes.
      mails: { intro: 40, topic: 320, checkin: 40, nudge: 40, close: 40, digest: 1 },
      delivered: 481,
      lifecycle: { nudges: 40, escalations: 20, repairings: 0, closed: true, mailsAfterLeaving: 0 },
      deadLetters: 0,
      failedInvocations: 0,
    });
    expect(summary.perParticipant.topic).toEqual({ min: 8, max: 8 });
    // Two ledger writes per mail; the launch and the close; per partnership one at-risk mark, one
    // alert, its place in the digest and its end; one nudge record per participant. Nothing else writes.
    expect(summary.dynamoWrites).toBe(2 * 481 + 2 + 4 * 20 + 40);
    expect(summary.sesCalls).toBeGreaterThanOrEqual(481);
  });

  it('runs a round of 60 where most reply, some go quiet, one unsubscribes and one bounces, and reports what the lifecycle did', async () => {
    const summary = await simulate('--participants', '60', '--seed', '1');

    expect(summary.behaviours).toMatchObject({ quiet: 7, unsubscribes: 1, bounces: 1, unsubscribeClicks: 1 });
    expect(summary.behaviours.replies).toBeGreaterThan(300);
    expect(summary.lifecycle).toMatchObject({
      unsubscribes: 1,
      suppressions: 1,
      closed: true,
      mailsAfterLeaving: 0,
    });
    for (const count of ['nudges', 'escalations', 'repairings', 'checkinAnswers', 'digests'])
      expect(summary.lifecycle[count]).toBeGreaterThan(0);
    expect(summary.mails.relay).toBeGreaterThan(300);
    expect(summary.mails['partner-left']).toBeGreaterThan(0);
    expect(summary.mails.intro).toBeGreaterThan(60);
    expect(summary).toMatchObject({ deadLetters: 0, failedInvocations: 0 });
    // About two minutes on a 2-core machine: 16 weeks hour by hour, with some 500 replies over real SMTP.
  }, 600_000);

  it('refuses a cohort size outside its range with a message naming the option', async () => {
    const failure = await run('node', ['bin/tandem.js', 'simulate', '--participants', '1', '--json']).catch(
      (e) => e,
    );

    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('--participants');
  });
});
