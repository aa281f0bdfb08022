import { describe, expect, it } from 'vitest';
import type { Member } from '#core/model';
import { seedMatchedRound } from '#local/seed';
import {
  advance,
  clients,
  clockNow,
  cohortFor,
  DAY,
  launch,
  mailsTo,
  roundState,
  sentMails,
  settle,
} from './support.ts';

describe('bounces, complaints and deliveries reported by SES', () => {
  it('suppresses a hard bounce and a complaint, tells their partners, and never mails them again; deliveries change nothing', async () => {
    // Prepare: the SES mailbox simulator's addresses bounce and complain, as they do on AWS.
    const cohort = cohortFor('it-ses', 6);
    const bouncer = 'bounce+it-ses@simulator.amazonses.com';
    const complainer = 'complaint+it-ses@simulator.amazonses.com';
    cohort[0] = { ...cohort[0], email: bouncer } as (typeof cohort)[number];
    cohort[3] = { ...cohort[3], email: complainer } as (typeof cohort)[number];
    const startDate = new Date((await clockNow()).getTime() + DAY).toISOString().slice(0, 10);
    const seeded = await seedMatchedRound(clients, {
      roundId: 'it-ses',
      name: 'SES events',
      startDate,
      weeks: 16,
      cohort,
    });

    // Act
    await launch('it-ses');
    await settle();
    const afterIntro = await roundState('it-ses');
    const sentBefore = (await mailsTo([bouncer, complainer])).length;
    for (let day = 0; day < 16; day++) await advance(DAY);

    // Assess
    const byEmail = new Map(afterIntro.members.map((m) => [m.email, m]));
    expect(byEmail.get(bouncer)).toMatchObject({ status: 'suppressed', suppressedReason: 'bounce' });
    expect(byEmail.get(complainer)).toMatchObject({ status: 'suppressed', suppressedReason: 'complaint' });
    expect(sentBefore).toBe(2);
    expect(await mailsTo([bouncer, complainer])).toHaveLength(2);
    const others = afterIntro.members.filter((m) => m.email !== bouncer && m.email !== complainer);
    for (const member of others) expect(member).toMatchObject({ status: 'active', softBounces: 0 });
    const suppressed = [byEmail.get(bouncer), byEmail.get(complainer)] as Member[];
    const told = (await sentMails('it-ses')).filter((m) => m.kind === 'partner-left');
    // Their partners as matched (the lifecycle has since left them without partners).
    const partners = seeded.partnerships
      .filter((p) => p.members.some((id) => suppressed.some((s) => s.id === id)))
      .flatMap((p) => p.members.filter((id) => !suppressed.some((s) => s.id === id)));
    expect(partners.length).toBeGreaterThan(0);
    expect(told.map((m) => m.participantId)).toEqual(expect.arrayContaining(partners));
    // Two suppressed partners may be told about each other before the second one's bounce arrives; never after.
    const final = await roundState('it-ses');
    for (const row of told.filter((m) => !partners.includes(m.participantId))) {
      const member = final.members.find((m) => m.id === row.participantId);
      expect(member?.status).toBe('suppressed');
      expect(row.sentAt <= (member?.statusChangedAt ?? '')).toBe(true);
    }
    expect(afterIntro.alerts.map((a) => a.kind).sort()).toEqual(['bounce', 'complaint']);
    const topicsToOthers = (await sentMails('it-ses')).filter((m) => m.kind === 'topic');
    expect(topicsToOthers.length).toBeGreaterThan(0);
    expect(topicsToOthers.every((m) => !suppressed.some((s) => s.id === m.participantId))).toBe(true);
  });
});
