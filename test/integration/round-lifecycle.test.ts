import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '#adapters/system-clock';
import { COORDINATOR_SOURCE, RoundLaunchRequested } from '#core/events';
import { createDeps, createHandler } from '#handlers/launch-round';
import { localNames } from '#local/config';
import {
  advance,
  clients,
  cohortFor,
  DAY,
  launch,
  mailsTo,
  seedRound,
  settle,
  stackEnv,
  store,
} from './support.ts';

const isIntro = (subject: string) => subject.startsWith('Your Tandem introduction');

describe('launching a round on the local stack', () => {
  let round: Awaited<ReturnType<typeof seedRound>>;
  let eventId: string;

  beforeAll(async () => {
    round = await seedRound('it-launch', 10);
    ({ eventId } = await launch('it-launch'));
    await settle();
  });

  it('sends each partner exactly one introduction naming their partner', async () => {
    const intros = (await mailsTo(round.emails)).filter((m) => isIntro(m.subject));

    expect(intros.map((m) => m.destination.to[0]).sort()).toEqual([...round.emails].sort());
    const byEmail = new Map(cohortFor('it-launch', 10).map((p) => [p.email, p]));
    for (const partnership of round.partnerships) {
      const members = await Promise.all(
        partnership.members.map((id) => store.getSendContext('it-launch', id)),
      );
      for (const context of members) {
        const mail = intros.find((m) => m.destination.to[0] === context?.member.email);
        for (const partner of context?.partners ?? [])
          expect(mail?.body.html).toContain(byEmail.get(partner.email)?.name);
      }
    }
  });

  it('gives every introduction a signed relay Reply-To and marks it auto-generated', async () => {
    const intros = (await mailsTo(round.emails)).filter((m) => isIntro(m.subject));

    for (const mail of intros) {
      expect(mail.replyTo[0]).toMatch(/^r-it-launch\.p[a-z2-7]{12}\.1[a-z2-7]{16}@reply\.tandem\.localhost$/);
      expect(mail.headers).toContainEqual({ name: 'Auto-Submitted', value: 'auto-generated' });
    }
  });

  it('moves the round to running', async () => {
    expect((await store.getRound('it-launch'))?.status).toBe('running');
  });

  it('sends nothing twice when the launch is requested again', async () => {
    const before = (await mailsTo(round.emails)).length;

    await launch('it-launch');
    await settle();

    expect((await mailsTo(round.emails)).length).toBe(before);
  });

  it('sends nothing twice when the same launch event is delivered again', async () => {
    const before = (await mailsTo(round.emails)).length;
    // The function itself, built as the stack builds it, but invoked by the test.
    const handler = createHandler(await createDeps({ env: stackEnv, clients, clock: systemClock }));

    const outcome = await handler({
      id: eventId,
      source: COORDINATOR_SOURCE,
      'detail-type': RoundLaunchRequested.detailType,
      detail: { roundId: 'it-launch' },
    });
    await settle();

    expect(outcome).toMatchObject({ status: 'ok', outcome: 'resumed' });
    expect((await mailsTo(round.emails)).length).toBe(before);
  });
});

describe('a malformed launch event', () => {
  it('is rejected with a message naming the field, and writes and sends nothing', async () => {
    const round = await seedRound('it-malformed', 4);
    // The function itself, built as the stack builds it, but invoked by the test.
    const handler = createHandler(await createDeps({ env: stackEnv, clients, clock: systemClock }));

    const outcome = await handler({
      id: 'evt-malformed',
      source: COORDINATOR_SOURCE,
      'detail-type': RoundLaunchRequested.detailType,
      detail: { roundId: 'It Malformed!' },
    });
    // Our bus refuses to publish such a detail, so it goes on raw, as a faulty producer could put it.
    await clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: localNames.busName,
            Source: COORDINATOR_SOURCE,
            DetailType: RoundLaunchRequested.detailType,
            Detail: JSON.stringify({ round: 'it-malformed' }),
          },
        ],
      }),
    );
    await settle();

    expect(outcome).toMatchObject({ status: 'rejected', reason: expect.stringContaining('roundId') });
    expect((await store.getRound('it-malformed'))?.status).toBe('matched');
    expect(await mailsTo(round.emails)).toEqual([]);
  });
});

describe('a round that runs for sixteen weeks', () => {
  it('sends every participant exactly eight topic mails, in order, after one introduction', async () => {
    const round = await seedRound('it-weeks', 8, 2);
    await launch('it-weeks');
    await settle();

    for (let day = 0; day < 16 * 7 + 2; day++) await advance(DAY);

    const mails = await mailsTo(round.emails);
    for (const email of round.emails) {
      const mine = mails.filter((m) => m.destination.to[0] === email);
      expect(mine.filter((m) => isIntro(m.subject))).toHaveLength(1);
      // Nobody in this round writes, so nudges and a check-in arrive too; the topics keep their order.
      const topics = mine
        .map((m) => /^Tandem topic (\d+) of 8/.exec(m.subject)?.[1])
        .filter((n) => n !== undefined)
        .map(Number);
      expect(topics).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    }
  });
});
