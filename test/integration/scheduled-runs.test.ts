import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { keys } from '#adapters/table-design';
import { localSendTime } from '#core/schedule';
import { localNames } from '#local/config';
import {
  advance,
  click,
  clients,
  clockNow,
  DAY,
  launch,
  outbox,
  roundState,
  type SentMail,
  seedRound,
  sentMails,
  settle,
  signedLink,
} from './support.ts';

const HOUR = 3_600_000;

/** Plans SQS failures on the local gateway (see local/sqs-faults.ts); `{count: 0}` clears the plan. */
const sqsFaults = async (plan?: { after?: number; count: number }) => {
  const response = await fetch(`${inject('controlUrl')}/sqs/faults`, {
    method: plan ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    ...(plan ? { body: JSON.stringify(plan) } : {}),
  });
  if (!response.ok) throw new Error(`sqs faults: ${response.status} ${await response.text()}`);
  return (await response.json()) as { failed?: number };
};

/** The topic mails the local SES sent for a round, by participant (from each send's message tags). */
const topicMails = async (roundId: string, topic: number) => {
  const sent = (await outbox()) as (SentMail & { tags?: Record<string, string> })[];
  const byParticipant = new Map<string, number>();
  for (const mail of sent) {
    const tags = mail.tags ?? {};
    if (tags.round !== roundId || tags.kind !== 'topic' || tags.topic !== String(topic)) continue;
    const id = tags.participant ?? '';
    byParticipant.set(id, (byParticipant.get(id) ?? 0) + 1);
  }
  return byParticipant;
};

describe('a scheduled dispatch that fails beyond its retries', () => {
  it('is caught up by the next hourly run: every member gets that topic exactly once', async () => {
    // Prepare: a round launched two days before it starts; topic 1 goes out at 09:00 local on day 0.
    const roundId = 'it-catchup';
    await seedRound(roundId, 8, 2);
    await launch(roundId);
    await settle();
    const { round, members } = await roundState(roundId);
    const partnered = members.filter((m) => m.partnershipId);
    const dueAt = new Map(
      partnered.map((m) => [m.id, localSendTime(round.startDate, 0, m.timezone).getTime()]),
    );
    // The hourly run that covers the first member's topic 1, and the members it covers.
    const failingRun = Math.ceil(Math.min(...dueAt.values()) / HOUR) * HOUR;
    const coveredByIt = partnered.filter((m) => (dueAt.get(m.id) as number) <= failingRun).map((m) => m.id);
    await advance(failingRun - 60_000 - (await clockNow()).getTime());

    // Act: SQS is down for that run and Lambda's two retries of it; back before the next run.
    await sqsFaults({ count: 10_000 });
    await advance(2 * 60_000);
    const outage = await sqsFaults();
    await sqsFaults({ count: 0 });
    const beforeCatchUp = await topicMails(roundId, 1);
    await advance(HOUR);
    const afterCatchUp = await topicMails(roundId, 1);
    await advance(DAY);

    // Assess
    expect(outage.failed).toBeGreaterThan(0);
    expect(coveredByIt.length).toBeGreaterThan(0);
    expect(coveredByIt.filter((id) => beforeCatchUp.has(id))).toEqual([]);
    expect(coveredByIt.map((id) => afterCatchUp.get(id))).toEqual(coveredByIt.map(() => 1));
    const everyone = await topicMails(roundId, 1);
    expect(Object.fromEntries(everyone)).toEqual(Object.fromEntries(partnered.map((m) => [m.id, 1])));
    const ledger = (await sentMails(roundId)).filter((r) => r.kind === 'topic' && r.ref === '01');
    expect(ledger.map((r) => r.participantId).sort()).toEqual(partnered.map((m) => m.id).sort());
    expect((await roundState(roundId)).round.dispatchedUntil).toBeDefined();
  });
});

describe('a round whose stored data makes the daily run throw', () => {
  it("does not stop the other rounds' daily run or their digest", async () => {
    // Prepare: two launched rounds; the broken one is listed first (by id).
    const broken = 'it-daily-a-broken';
    const fine = 'it-daily-b-fine';
    await seedRound(broken, 4, 1);
    await seedRound(fine, 4, 1);
    await launch(broken);
    await launch(fine);
    await settle();
    // Someone leaves the fine round: an alert that waits for the coordinator's daily digest.
    const leaver = (await roundState(fine)).members.find((m) => m.partnershipId);
    await click(await signedLink(fine, leaver?.id as string, 'unsubscribe'));
    expect((await roundState(fine)).alerts.filter((a) => !a.digestDay)).not.toEqual([]);
    // A member item of the other round that no longer fits the schema (as if edited by hand).
    const victim = (await roundState(broken)).members[0]?.id as string;
    await clients.document.send(
      new UpdateCommand({
        TableName: localNames.tableName,
        Key: keys.member(broken, victim),
        UpdateExpression: 'SET #status = :bad',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':bad': 'zombie' },
      }),
    );

    // Act: the next daily run (07:00 UTC).
    const now = (await clockNow()).getTime();
    const nextRun = (Math.floor((now - 7 * HOUR) / DAY) + 1) * DAY + 7 * HOUR;
    await advance(nextRun + 60_000 - now);

    // Assess: the fine round's alerts went into that day's digest, which was sent.
    const day = new Date(nextRun).toISOString().slice(0, 10);
    const state = await roundState(fine);
    expect(state.alerts.filter((a) => !a.digestDay)).toEqual([]);
    expect(state.alerts.map((a) => a.digestDay)).toContain(day);
    expect((await sentMails(fine)).filter((r) => r.kind === 'digest').map((r) => r.ref)).toContain(day);
    await expect(roundState(broken)).rejects.toThrow('is invalid');
  });
});
