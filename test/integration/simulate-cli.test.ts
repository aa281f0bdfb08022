import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaultCheckinDays, defaultTopicDays, localSendTime } from '#core/schedule';
import { syntheticCohort } from '#local/cohort';
import { START_DATE } from '#local/simulate';
import { topics } from '#templates/compiled/index';

const run = promisify(execFile);

const HOUR = 3_600_000;

/**
 * The hourly runs in which a 16-week round's topics and check-in fall due for a cohort: each moves the
 * round's dispatch watermark once (one write), whoever else is due in the same hour.
 */
const dispatchRunsWithMail = (participants: number, seed: number) => {
  const zones = new Set(syntheticCohort(participants, seed).map((p) => p.timezone));
  const topicDays = defaultTopicDays(16, topics.length);
  const runs = new Set<number>();
  for (const day of [...topicDays, ...defaultCheckinDays(16, topicDays)])
    for (const zone of zones)
      runs.add(Math.ceil(localSendTime(START_DATE, day, zone).getTime() / HOUR) * HOUR);
  return runs.size;
};

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
    // A claim per mail, and the records of each send batch together (a batch holds 10 at the default
    // rate, so one BatchWriteItem each); the launch and the close; per partnership one at-risk mark, one
    // alert, its place in the digest and its end; one nudge record per participant; the dispatch
    // watermark once per hour in which mail fell due. Nothing else writes.
    const records = summary.dynamoWritesByRequest.BatchWriteItem;
    expect(records).toBeGreaterThanOrEqual(Math.ceil(481 / 10));
    expect(records).toBeLessThan(481 / 2);
    expect(summary.dynamoWrites).toBe(481 + records + 2 + 4 * 20 + 40 + dispatchRunsWithMail(40, 3));
    expect(summary.dynamoWritesPerMail).toBeLessThan(2);
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
