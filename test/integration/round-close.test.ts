import { describe, expect, it } from 'vitest';
import type { Member } from '#core/model';
import {
  advance,
  click,
  DAY,
  launch,
  roundState,
  seedRound,
  sentMails,
  settle,
  signedLink,
  write,
} from './support.ts';

const days = async (n: number) => {
  for (let day = 0; day < n; day++) await advance(DAY);
};

describe('check-ins and the end of a round', () => {
  it('asks mid-round, records answers by reply and by link as activity, closes the round with a final check-in, then sends nothing', async () => {
    // Prepare
    const round = await seedRound('it-close', 4);
    await launch('it-close');
    await settle();
    // Two partners, so that answering (which counts as activity) cannot get them re-paired with each other.
    const seeded = await roundState('it-close');
    const [replier, clicker] = (seeded.partnerships[0]?.members ?? []).map((id) =>
      seeded.members.find((m) => m.id === id),
    ) as [Member, Member];

    // Act: through the mid-round check-in…
    await days(66);
    const checkins = (await sentMails('it-close')).filter((m) => m.kind === 'checkin');
    await write('it-close', replier.id, replier.email, '2');
    const clicked = await click(await signedLink('it-close', clicker.id, 'checkin1-yes'));
    const midRound = await roundState('it-close');
    // …to the end, and a fortnight beyond.
    await days(50);
    const closed = await roundState('it-close');
    await write('it-close', replier.id, replier.email, '1');
    const sentAtClose = await sentMails('it-close');
    await days(14);

    // Assess
    expect(checkins.map((m) => m.participantId).sort()).toEqual(midRound.members.map((m) => m.id).sort());
    expect(clicked.status).toBe(200);
    const answered = new Map(midRound.members.map((m) => [m.id, m.checkins]));
    expect(answered.get(replier.id)).toEqual({ '1': 'not-yet' });
    expect(answered.get(clicker.id)).toEqual({ '1': 'yes' });
    const activity = midRound.partnerships.flatMap((p) => Object.keys(p.lastActivity));
    expect(activity).toEqual(expect.arrayContaining([replier.id, clicker.id]));
    expect(closed.round).toMatchObject({ status: 'closed' });
    expect(closed.partnerships.every((p) => p.status === 'ended' && p.endedReason === 'round-closed')).toBe(
      true,
    );
    const closing = sentAtClose.filter((m) => m.kind === 'close').map((m) => m.participantId);
    expect(closing.length).toBeGreaterThan(0);
    expect((await roundState('it-close')).members.find((m) => m.id === replier.id)?.checkins).toEqual({
      '1': 'not-yet',
      '2': 'yes',
    });
    const after = (await sentMails('it-close')).filter(
      (m) =>
        !sentAtClose.some((s) => s.kind === m.kind && s.ref === m.ref && s.participantId === m.participantId),
    );
    expect(after.every((m) => m.kind === 'command-ack')).toBe(true);
    expect(round.emails).toHaveLength(4);
  });
});
