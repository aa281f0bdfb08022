import { describe, expect, it } from 'vitest';
import type { Member, Partnership } from '#core/model';
import { UnknownParticipant } from '../../../../functions/use-cases/coordinator/errors.ts';
import { exportPersonalData } from '../../../../functions/use-cases/coordinator/export-participant.ts';
import {
  anonymousFields,
  forgetParticipant,
  planForget,
} from '../../../../functions/use-cases/coordinator/forget-participant.ts';
import { aMember, aRound, partnered, partnershipId } from '../../core/fixtures.ts';
import { InMemoryActionWrites, partnershipOf } from '../fake-actions.ts';
import { InMemoryPersonalData, RecordingEraser } from '../fake-personal-data.ts';
import { InMemoryStore, RecordingBus } from '../fakes.ts';

const NOW = new Date('2025-05-01T10:00:00Z');

/** Ana and Ben partnered in a running round; Ana also was in a closed round. Ana wrote twice. */
const setUp = () => {
  const spring = aRound({ id: 'spring', status: 'closed' });
  const autumn = aRound({ id: 'autumn', status: 'running', startDate: '2025-09-01' });
  const [ana, ben] = partnered('pair', [
    aMember({ seed: 'ana', roundId: 'autumn', notes: { pronouns: 'she/her' }, notWith: ['cy@example.org'] }),
    aMember({ seed: 'ben', roundId: 'autumn', country: 'DE' }),
  ]) as [Member, Member];
  const anaBefore = aMember({ seed: 'ana', roundId: 'spring', status: 'active' });
  const store = new InMemoryStore([spring, autumn], [anaBefore, ana, ben]);
  const data = new InMemoryPersonalData(store);
  data.emails.set(ana.email, ana.id);
  const {
    roundId: _r,
    partnerIds: _p,
    previousPartnerIds: _pp,
    checkins: _c,
    softBounces: _s,
    ...profile
  } = ana;
  data.profiles.set(ana.id, { v: 1, ...profile });
  const pair: Partnership = {
    ...partnershipOf([ana, ben]),
    lastActivity: { [ana.id]: '2025-09-10T08:00:00.000Z', [ben.id]: '2025-09-11T08:00:00.000Z' },
    explanation: 'shared interests: makerspaces',
  };
  data.partnershipItems.push({ v: 1, ...pair });
  data.alertItems.push({
    roundId: 'autumn',
    kind: 'unsubscribe',
    ref: ana.id,
    raisedAt: '2025-09-12T07:00:00.000Z',
    participantIds: [ana.id],
  });
  data.ledgerRows.push({
    roundId: 'autumn',
    kind: 'intro',
    ref: '00',
    participantId: ana.id,
    status: 'SENT',
    sentAt: '2025-09-01T09:00:00Z',
  });
  data.arrivalItems.push(
    {
      mailId: 'm1',
      receivedAt: '2025-09-10T08:00:00.000Z',
      envelope: { mailFrom: ana.email, recipients: ['r-autumn.x@reply.tandem.example'] },
      verdicts: { spam: 'PASS', virus: 'PASS', dmarc: 'PASS' },
    },
    {
      mailId: 'm2',
      receivedAt: '2025-09-12T08:00:00.000Z',
      envelope: { mailFrom: ana.email, recipients: ['r-autumn.x@reply.tandem.example'] },
      verdicts: { spam: 'PASS', virus: 'PASS', dmarc: 'PASS' },
    },
  );
  data.answers.set(ana.email, ['2025-09-12']);
  const bus = new RecordingBus();
  const rawMail = new RecordingEraser();
  const deps = {
    personalData: data,
    rawMail,
    membership: store,
    participants: store,
    lifecycle: new InMemoryActionWrites([pair], [ana, ben]),
    bus,
  };
  return { ana, ben, store, data, bus, rawMail, deps };
};

describe('exportPersonalData', () => {
  it('gathers profile, memberships, partnerships (partners by id), mails, alerts and inbound mails', async () => {
    // Prepare
    const { ana, ben, deps } = setUp();

    // Act
    const exported = await exportPersonalData(deps, ana.email, NOW);

    // Assess
    expect(exported).toMatchObject({
      exportedAt: NOW.toISOString(),
      email: ana.email,
      participantId: ana.id,
      profile: { id: ana.id, name: ana.name, notes: { pronouns: 'she/her' } },
      mails: [{ roundId: 'autumn', kind: 'intro', ref: '00', status: 'SENT' }],
      alerts: [{ roundId: 'autumn', kind: 'unsubscribe', ref: ana.id }],
      inboundMails: [{ mailId: 'm1' }, { mailId: 'm2' }],
      automaticAnswers: ['2025-09-12'],
    });
    expect(exported.memberships.map((m) => [m.roundId, m.roundStatus, m.roundName])).toEqual([
      ['spring', 'closed', 'Spring 2025'],
      ['autumn', 'running', 'Spring 2025'],
    ]);
    expect(exported.partnerships).toEqual([
      {
        roundId: 'autumn',
        partnershipId: partnershipId('pair'),
        status: 'active',
        origin: 'matched',
        partnerIds: [ben.id],
        lastActivity: '2025-09-10T08:00:00.000Z',
        wentQuiet: false,
      },
    ]);
    // Nothing about Ben but his id: not his activity, not what the matcher said they share.
    expect(JSON.stringify(exported.partnerships)).not.toContain('2025-09-11');
    expect(JSON.stringify(exported)).not.toContain('makerspaces');
  });

  it('finds nobody for an unknown address', async () => {
    const { deps } = setUp();

    await expect(exportPersonalData(deps, 'nobody@example.org', NOW)).rejects.toThrow(UnknownParticipant);
  });
});

describe('planForget and forgetParticipant', () => {
  it('plans to unsubscribe her where she still takes part, and to erase everything personal', async () => {
    // Prepare
    const { ana, deps } = setUp();

    // Act
    const plan = await planForget(deps, ana.email);

    // Assess
    expect(plan).toEqual({
      email: ana.email,
      participantId: ana.id,
      leaves: [{ roundId: 'autumn', roundStatus: 'running' }],
      memberships: ['spring', 'autumn'],
      profile: true,
      explanations: [{ roundId: 'autumn', partnershipId: partnershipId('pair') }],
      inboundMails: ['m1', 'm2'],
      automaticAnswers: ['2025-09-12'],
      kept: { partnerships: 1, mails: 1, alerts: 1 },
    });
  });

  it('unsubscribes her first, erases her data, and deletes the email lookup last', async () => {
    // Prepare
    const { ana, store, data, bus, rawMail, deps } = setUp();
    const plan = await planForget(deps, ana.email);

    // Act
    const result = await forgetParticipant(deps, plan, NOW);

    // Assess
    expect(result.left).toEqual([{ roundId: 'autumn', outcome: 'changed' }]);
    expect(bus.events).toEqual([
      {
        detailType: 'MemberChanged',
        detail: { roundId: 'autumn', participantId: ana.id, change: 'unsubscribed', at: NOW.toISOString() },
      },
    ]);
    expect(rawMail.erased).toEqual(['m1', 'm2']);
    expect(data.writes).toEqual([
      'arrival m1',
      'arrival m2',
      'arrival index',
      'answers',
      `explanation autumn/${partnershipId('pair')}`,
      'member spring',
      'member autumn',
      'profile',
      'email',
    ]);
    const member = store.members.get('autumn')?.find((m) => m.id === ana.id);
    expect(member).toMatchObject({
      ...anonymousFields(ana.id),
      status: 'unsubscribed',
      country: ana.country,
    });
    expect(member).not.toHaveProperty('notes');
    expect(member).not.toHaveProperty('notWith');
    expect(store.members.get('spring')?.[0]?.status).toBe('active');
    expect(data.profiles.get(ana.id)).toMatchObject({
      ...anonymousFields(ana.id),
      id: ana.id,
      country: ana.country,
    });
    expect(data.emails.has(ana.email)).toBe(false);
    expect(await data.arrivals(ana.email, ana.id)).toEqual([]);
    await expect(planForget(deps, ana.email)).rejects.toThrow(UnknownParticipant);
  });

  it('can run again on the same plan, as after a run that stopped half-way, announcing the departure again', async () => {
    // Prepare
    const { ana, bus, deps } = setUp();
    const plan = await planForget(deps, ana.email);
    await forgetParticipant(deps, plan, NOW);

    // Act
    const again = await forgetParticipant(deps, plan, new Date(NOW.getTime() + 60_000));

    // Assess: the first run may have stopped before its announcement got out; a second one is harmless.
    expect(again.left).toEqual([{ roundId: 'autumn', outcome: 'unchanged' }]);
    expect(bus.events).toHaveLength(2);
    expect(bus.events[1]).toEqual(bus.events[0]);
  });

  it('leaves a suppressed member suppressed (she gets no mail either way)', async () => {
    // Prepare
    const { ana, store, deps } = setUp();
    const member = store.members.get('autumn')?.find((m) => m.id === ana.id) as Member;
    member.status = 'suppressed';
    const plan = await planForget(deps, ana.email);

    // Act
    const result = await forgetParticipant(deps, plan, NOW);

    // Assess
    expect(plan.leaves).toEqual([]);
    expect(result.left).toEqual([]);
    expect(member.status).toBe('suppressed');
  });
});
