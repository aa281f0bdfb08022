import { describe, expect, inject, it } from 'vitest';
import { instanceBudget, sendingPlan } from '#core/sending-plan';
import { DEFAULT_SEND_RATE } from '#infra/wiring';
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
  it('delivers every introduction exactly once and loses none, with batches sent concurrently', async () => {
    // The stack's send queue runs as deployed for the default rate: two instances, each with several
    // mails of its batch in flight, so 60 introductions make concurrent batches of concurrent sends.
    const plan = sendingPlan(DEFAULT_SEND_RATE);
    expect(plan.instances).toBe(2);
    expect(instanceBudget(DEFAULT_SEND_RATE, plan.instances).parallelism).toBeGreaterThan(1);
    const people = 60;
    expect(people).toBeGreaterThan(plan.batchSize);
    const { cohort } = await seedRound('it-throttle', people, 2);
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
