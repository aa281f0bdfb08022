import { describe, expect, it } from 'vitest';
import type { Member } from '#core/model';
import { canPartner } from '#core/repairing';
import {
  advance,
  click,
  DAY,
  launch,
  mailsTo,
  roundState,
  type SentMail,
  seedRound,
  sentMails,
  settle,
  signedLink,
  write,
} from './support.ts';

const listUnsubscribe = (mail: SentMail) =>
  /<(http[^>]+)>/.exec(mail.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '')?.[1] as string;

const memberIn = async (roundId: string, id: string) =>
  (await roundState(roundId)).members.find((m) => m.id === id) as Member;

const days = async (n: number) => {
  for (let day = 0; day < n; day++) await advance(DAY);
};

describe('leaving, pausing and flagging on the local stack', () => {
  it('tells the partner of someone who unsubscribes exactly once, alerts the coordinator and finds the partner someone new', async () => {
    // Prepare
    const round = await seedRound('it-leave', 6);
    await launch('it-leave');
    await settle();
    const intro = (await mailsTo(round.emails))[0] as SentMail;
    const leaver = (await roundState('it-leave')).members.find(
      (m) => m.email === intro.destination.to[0],
    ) as Member;
    const partnerId = leaver.partnerIds[0] as string;

    // Act
    const first = await fetch(listUnsubscribe(intro), { method: 'POST', body: 'List-Unsubscribe=One-Click' });
    const second = await fetch(listUnsubscribe(intro), {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
    });
    await settle();
    const afterLeaving = await roundState('it-leave');
    await days(2);

    // Assess
    expect([first.status, second.status]).toEqual([200, 200]);
    const mails = await sentMails('it-leave');
    const told = mails.filter((m) => m.kind === 'partner-left');
    expect(told).toEqual([expect.objectContaining({ participantId: partnerId, ref: leaver.id })]);
    expect(afterLeaving.alerts).toContainEqual(
      expect.objectContaining({ kind: 'unsubscribe', participantIds: [leaver.id] }),
    );
    const old = afterLeaving.partnerships.find((p) => p.id === leaver.partnershipId);
    expect(old).toMatchObject({ status: 'ended', endedReason: 'partner-left' });
    const partner = await memberIn('it-leave', partnerId);
    expect(partner.partnershipId).not.toBe(leaver.partnershipId);
    expect(partner.previousPartnerIds).toContain(leaver.id);
    expect(mails.some((m) => m.kind === 'intro' && m.participantId === partnerId && m.ref !== '00')).toBe(
      true,
    );
    const leftAt = (await memberIn('it-leave', leaver.id)).statusChangedAt as string;
    expect(mails.filter((m) => m.participantId === leaver.id && m.sentAt > leftAt)).toEqual([]);
  });

  it('holds back topics from someone who paused by mail, tells their partner, and resumes them by itself', async () => {
    // Prepare
    const round = await seedRound('it-pause', 4);
    await launch('it-pause');
    await settle();
    const pauser = (await roundState('it-pause')).members[0] as Member;
    const partnerId = pauser.partnerIds[0] as string;

    // Act
    await write('it-pause', pauser.id, pauser.email, 'PAUSE 3w');
    const paused = await memberIn('it-pause', pauser.id);
    await days(30);

    // Assess
    expect(paused.status).toBe('paused');
    expect(Date.parse(paused.pausedUntil as string) - Date.parse(paused.statusChangedAt as string)).toBe(
      21 * DAY,
    );
    const mails = await sentMails('it-pause');
    expect(mails.filter((m) => m.kind === 'partner-paused')).toEqual([
      expect.objectContaining({ participantId: partnerId }),
    ]);
    const topicsOf = (id: string) =>
      mails.filter((m) => m.kind === 'topic' && m.participantId === id).map((m) => m.ref);
    expect(topicsOf(partnerId)).toEqual(expect.arrayContaining(['01', '02', '03']));
    expect(topicsOf(pauser.id)).not.toContain('02');
    expect(topicsOf(pauser.id)).toContain('03');
    expect((await memberIn('it-pause', pauser.id)).status).toBe('active');
    expect(round.emails).toContain(pauser.email);
  });

  it('turns two partners flagging each other as quiet into one escalation', async () => {
    // Prepare
    await seedRound('it-flag', 4);
    await launch('it-flag');
    await settle();
    const [a, b] = (await roundState('it-flag')).partnerships[0]?.members ?? [];
    if (!a || !b) throw new Error('the seeded round has no partnership');

    // Act
    const flags = [
      await click(await signedLink('it-flag', a, 'quiet')),
      await click(await signedLink('it-flag', b, 'quiet')),
      await click(await signedLink('it-flag', a, 'quiet')),
    ];

    // Assess
    expect(flags.map((r) => r.status)).toEqual([200, 200, 200]);
    const state = await roundState('it-flag');
    const flagged = state.partnerships.find((p) => p.members.includes(a));
    expect(flagged).toMatchObject({ status: 'at-risk', atRiskReason: 'flagged', quietIds: [b] });
    expect(Object.keys(flagged?.flaggedBy ?? {}).sort()).toEqual([a, b].sort());
    expect(state.alerts.filter((alert) => alert.kind === 'at-risk')).toHaveLength(1);
    expect((await sentMails('it-flag')).filter((m) => m.kind === 'partner-quiet')).toEqual([
      expect.objectContaining({ participantId: a }),
    ]);
  });

  it('nudges the silent once, escalates a week later and re-pairs the active partners with a new introduction', async () => {
    // Prepare: in two partnerships one member stays silent; everyone else writes every five days.
    await seedRound('it-quiet', 8);
    await launch('it-quiet');
    await settle();
    const start = await roundState('it-quiet');
    const byId = new Map(start.members.map((m) => [m.id, m]));
    const candidate = (m: Member) => ({ member: m, formerPartnerIds: new Set(m.partnerIds) });
    const choice = start.partnerships.flatMap((p1, i) =>
      start.partnerships
        .slice(i + 1)
        .flatMap((p2) =>
          p1.members.flatMap((a1) =>
            p2.members
              .filter((a2) =>
                canPartner(candidate(byId.get(a1) as Member), candidate(byId.get(a2) as Member)),
              )
              .map((a2) => ({ a1, a2, p1, p2 })),
          ),
        ),
    )[0];
    if (!choice) throw new Error('the seeded cohort has no two re-pairable members');
    const quiet = [
      choice.p1.members.find((id) => id !== choice.a1),
      choice.p2.members.find((id) => id !== choice.a2),
    ] as string[];
    const writers = start.members.filter((m) => !quiet.includes(m.id));

    // Act
    for (let day = 1; day <= 30; day++) {
      if (day % 5 === 0) for (const m of writers) await write('it-quiet', m.id, m.email, `Day ${day} news`);
      await advance(DAY);
    }

    // Assess
    const state = await roundState('it-quiet');
    const mails = await sentMails('it-quiet');
    const nudges = mails.filter((m) => m.kind === 'nudge');
    expect(nudges.map((m) => m.participantId).sort()).toEqual([...quiet].sort());
    for (const old of [choice.p1, choice.p2]) {
      expect(state.partnerships.find((p) => p.id === old.id)).toMatchObject({
        status: 'ended',
        endedReason: 'quiet',
        atRiskReason: 'silent',
      });
    }
    expect(state.alerts.filter((a) => a.kind === 'at-risk')).toHaveLength(2);
    const repaired = state.partnerships.filter((p) => p.origin === 'repaired');
    expect(repaired.map((p) => [...p.members].sort())).toEqual([[choice.a1, choice.a2].sort()]);
    const newIntros = mails.filter((m) => m.kind === 'intro' && m.ref === repaired[0]?.id);
    expect(newIntros.map((m) => m.participantId).sort()).toEqual([choice.a1, choice.a2].sort());
    for (const id of quiet) expect((await memberIn('it-quiet', id)).partnerIds).toEqual([]);
    const digests = mails.filter((m) => m.kind === 'digest').map((m) => m.ref);
    expect(new Set(digests).size).toBe(digests.length);
    expect(digests.length).toBeGreaterThan(0);
  });
});
