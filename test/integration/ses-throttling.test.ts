import { describe, expect, inject, it } from 'vitest';
import { advance, launch, mailsTo, seedRound, settle } from './support.ts';

const faults = async (plan?: { after: number; throttle: number }) => {
  const response = await fetch(inject('sesFaultsUrl'), {
    method: plan ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    body: plan ? JSON.stringify(plan) : undefined,
  });
  return (await response.json()) as { throttled: number };
};

describe('SES throttling in the middle of a batch', () => {
  it('delivers every introduction exactly once and loses none', async () => {
    const { cohort } = await seedRound('it-throttle', 12, 2);
    await faults({ after: 3, throttle: 10 });

    await launch('it-throttle');
    await settle();
    // Throttled jobs come back after the queue's visibility timeout.
    for (let i = 0; i < 6; i++) await advance(15 * 60_000);

    const perRecipient = new Map<string, number>();
    for (const mail of await mailsTo(cohort.map((p) => p.email))) {
      perRecipient.set(
        mail.destination.to[0] as string,
        (perRecipient.get(mail.destination.to[0] as string) ?? 0) + 1,
      );
    }
    expect((await faults()).throttled).toBe(10);
    expect([...perRecipient.keys()].sort()).toEqual(cohort.map((p) => p.email).sort());
    expect(new Set(perRecipient.values())).toEqual(new Set([1]));
  });
});
