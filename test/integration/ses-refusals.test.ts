import { afterEach, describe, expect, inject, it } from 'vitest';
import { advance, DAY, launch, mailsTo, seedRound, settle, tandem } from './support.ts';

const isIntro = (subject: string) => subject.startsWith('Your Tandem introduction');

/** The fault plan on the SES proxy, as the local stack's contract spells it. */
const faults = async (plan?: Record<string, unknown>) => {
  const response = await fetch(inject('sesFaultsUrl'), {
    method: plan ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    body: plan ? JSON.stringify(plan) : undefined,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { answered: Record<string, number> };
};

/** Pauses announced on the coordinators' SNS topic, as the gateway recorded them (rounds' alerts go there too). */
const alerts = async () => {
  const response = await fetch(`${inject('controlUrl')}/alerts`);
  const { alerts } = (await response.json()) as { alerts: { subject?: string; message: string }[] };
  return alerts.filter((alert) => alert.subject === 'Tandem: sending paused');
};

/** Messages the local send queue gave up on. */
const deadLetters = async () => {
  const response = await fetch(`${inject('controlUrl')}/queues`);
  return ((await response.json()) as Record<string, { deadLetters: number }>)['tandem-send']?.deadLetters;
};

interface StatusJson {
  mails: { sent: number; deferred: number; failed: number; inFlight: number };
  sending: { state: 'active' | 'paused'; reason?: string; until?: string };
}

const status = async (roundId: string) => {
  const result = await tandem('round', 'status', roundId, '--json');
  expect(result.stderr).not.toMatch(/error/i);
  return JSON.parse(result.stdout) as StatusJson;
};

/** How many introductions each address received. */
const introsPerRecipient = async (emails: readonly string[]) => {
  const counts = new Map<string, number>(emails.map((email) => [email, 0]));
  for (const mail of await mailsTo(emails)) {
    if (!isIntro(mail.subject)) continue;
    const to = mail.destination.to[0] as string;
    counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
};

describe('SES refusing or pausing in the middle of a launch', () => {
  afterEach(async () => {
    await faults({ count: 0 });
  });

  it.each([
    ['daily-quota', 'it-quota'],
    ['sending-paused', 'it-paused'],
  ])(
    'defers the rest of the launch on %s, loses and repeats nothing, and resumes by itself',
    async (error, roundId) => {
      // Prepare
      const { emails } = await seedRound(roundId, 12, 2);
      const alertsBefore = (await alerts()).length;
      const deadBefore = await deadLetters();
      await faults({ after: 5, count: 1_000, error });

      // Act: the launch meets the refusal, then SES sends again and a day passes.
      await launch(roundId);
      await settle();
      const during = await status(roundId);
      const alertsDuring = (await alerts()).slice(alertsBefore);
      await faults({ count: 0 });
      await advance(DAY);
      const after = await status(roundId);

      // Assess
      expect(during.mails.sent).toBe(5);
      expect(during.mails.deferred).toBe(7);
      expect(during.mails.failed).toBe(0);
      expect(during.sending).toMatchObject({ state: 'paused', reason: error });
      expect(alertsDuring).toHaveLength(1);
      expect(alertsDuring[0]?.subject).toBe('Tandem: sending paused');
      expect(alertsDuring[0]?.message).toContain(`(${error})`);
      expect(after.sending).toEqual({ state: 'active' });
      expect(after.mails.deferred).toBe(0);
      expect([...(await introsPerRecipient(emails)).values()]).toEqual(emails.map(() => 1));
      expect((await alerts()).slice(alertsBefore)).toHaveLength(1);
      expect(await deadLetters()).toBe(deadBefore);
    },
  );

  it('fails a rejected recipient’s mail for good and sends everyone else’s', async () => {
    // Prepare
    const roundId = 'it-rejected';
    const { emails } = await seedRound(roundId, 12, 2);
    const [refused, ...others] = emails as [string, ...string[]];
    await faults({ after: 0, count: 1_000, error: 'rejected', recipient: refused });

    // Act
    await launch(roundId);
    await settle();
    await advance(DAY);
    const report = await status(roundId);
    const table = await tandem('round', 'status', roundId);

    // Assess
    const intros = await introsPerRecipient(emails);
    expect(intros.get(refused)).toBe(0);
    expect(others.map((email) => intros.get(email))).toEqual(others.map(() => 1));
    expect(report.mails.failed).toBe(1);
    expect(report.sending).toEqual({ state: 'active' });
    expect((await faults()).answered.rejected).toBe(1);
    expect(table.stdout).toMatch(/Mails\s+\d+ sent, 0 deferred, 1 failed, 0 in flight/);
  });
});
