import { describe, expect, it } from 'vitest';
import { MemberChanged } from '#core/events';
import type { LinkAction } from '#core/link-token';
import type { Member, Partnership, Round } from '#core/model';
import type { MembershipStore } from '#ports/store';
import { applyLinkAction, type LinkActionOptions } from '../../../functions/use-cases/link-actions.ts';
import { aMember, aRound, partnered } from '../core/fixtures.ts';
import { InMemoryActionWrites, partnershipOf } from './fake-actions.ts';
import { InMemoryStore, RecordingBus } from './fakes.ts';

const NOW = new Date('2025-03-17T12:00:00Z');
const DAY = 24 * 3600_000;
const daysAfter = (at: Date, days: number) => new Date(at.getTime() + days * DAY).toISOString();

const setUp = (
  options: {
    status?: Member['status'];
    round?: Partial<Round>;
    partnership?: Partial<Partnership>;
    /** Aroha has no partnership at all. */
    alone?: boolean;
  } = {},
) => {
  const round = aRound(options.round);
  const status = options.status ?? 'active';
  const [aroha, bashir] = (
    options.alone
      ? [aMember({ seed: 'aroha', status }), aMember({ seed: 'bashir' })]
      : partnered('pair', [aMember({ seed: 'aroha', status }), aMember({ seed: 'bashir' })])
  ) as [Member, Member];
  const store = new InMemoryStore([round], [aroha, bashir]);
  const lifecycle = new InMemoryActionWrites(
    options.alone ? [] : [partnershipOf([aroha, bashir], options.partnership)],
    [aroha, bashir],
  );
  const bus = new RecordingBus();
  const deps = { membership: store, lifecycle, participants: store, bus };
  const act = (who: Member, action: LinkAction, extra: LinkActionOptions = {}, now = NOW) =>
    applyLinkAction(deps, { roundId: round.id, participantId: who.id, action }, now, extra);
  return { round, aroha, bashir, store, lifecycle, bus, deps, act };
};

const changed = (round: Round, member: Member, change: string, at = NOW) => ({
  detailType: 'MemberChanged',
  detail: { roundId: round.id, participantId: member.id, change, at: at.toISOString() },
});

describe('applyLinkAction', () => {
  describe('unsubscribe, pause and resume', () => {
    it('unsubscribes an active member; a repeat changes nothing but announces the change again', async () => {
      // Prepare
      const { act, aroha, round, bus } = setUp();
      const later = new Date(NOW.getTime() + 60_000);

      // Act
      const first = await act(aroha, 'unsubscribe');
      const again = await act(aroha, 'unsubscribe', {}, later);

      // Assess: the repeat cannot know whether the first announcement got through; the lifecycle
      // follows up from the stored state, so a second prompt is harmless. It carries the change's time.
      expect([first, again]).toEqual(['changed', 'unchanged']);
      expect(aroha.status).toBe('unsubscribed');
      expect(aroha.statusChangedAt).toBe(NOW.toISOString());
      expect(bus.events).toEqual([
        changed(round, aroha, 'unsubscribed'),
        changed(round, aroha, 'unsubscribed'),
      ]);
    });

    it('puts exactly the MemberChanged detail the lifecycle rule expects', async () => {
      // Prepare
      const { act, aroha, bus } = setUp();

      // Act
      await act(aroha, 'pause');

      // Assess
      expect(bus.events).toHaveLength(1);
      expect(bus.events[0]?.detailType).toBe(MemberChanged.detailType);
      expect(MemberChanged.detail.safeParse(bus.events[0]?.detail).success).toBe(true);
    });

    it('unsubscribes a paused member', async () => {
      // Prepare
      const { act, aroha } = setUp({ status: 'paused' });

      // Act
      const outcome = await act(aroha, 'unsubscribe');

      // Assess
      expect(outcome).toBe('changed');
      expect(aroha.status).toBe('unsubscribed');
    });

    it('pauses for 14 days by default, and resuming clears the end of the pause', async () => {
      // Prepare
      const { act, aroha, round, bus } = setUp();
      const later = new Date(NOW.getTime() + 3 * DAY);

      // Act
      const paused = await act(aroha, 'pause');
      const until = aroha.pausedUntil;
      const resumed = await act(aroha, 'resume', {}, later);

      // Assess
      expect([paused, resumed]).toEqual(['changed', 'changed']);
      expect(until).toBe('2025-03-31T12:00:00.000Z');
      expect(aroha.status).toBe('active');
      expect(aroha.pausedUntil).toBeUndefined();
      expect(bus.events).toEqual([changed(round, aroha, 'paused'), changed(round, aroha, 'resumed', later)]);
    });

    it.each([
      [10, 10],
      [14, 14],
      [30, 30],
      [90, 90],
      [365, 90],
      [0, 1],
    ])('pauses for %i days asked as %i days (at least one day, at most 90)', async (asked, days) => {
      // Prepare
      const { act, aroha } = setUp();

      // Act
      await act(aroha, 'pause', { pauseDays: asked });

      // Assess
      expect(aroha.pausedUntil).toBe(daysAfter(NOW, days));
    });

    it('leaves an earlier pause alone when a member who is paused pauses again', async () => {
      // Prepare
      const { act, aroha, round, bus } = setUp();
      await act(aroha, 'pause', { pauseDays: 7 });

      // Act
      const again = await act(aroha, 'pause', { pauseDays: 60 }, new Date(NOW.getTime() + DAY));

      // Assess
      expect(again).toBe('unchanged');
      expect(aroha.pausedUntil).toBe(daysAfter(NOW, 7));
      expect(bus.events).toEqual([changed(round, aroha, 'paused'), changed(round, aroha, 'paused')]);
    });

    it('refuses to resume or pause a member who unsubscribed, and announces nothing', async () => {
      // Prepare
      const { act, aroha, bus } = setUp({ status: 'unsubscribed' });

      // Act
      const outcomes = [await act(aroha, 'resume'), await act(aroha, 'pause')];

      // Assess
      expect(outcomes).toEqual(['refused', 'refused']);
      expect(aroha.status).toBe('unsubscribed');
      expect(bus.events).toEqual([]);
    });

    it('leaves a suppressed member suppressed', async () => {
      // Prepare
      const { act, aroha } = setUp({ status: 'suppressed' });

      // Act
      const outcome = await act(aroha, 'unsubscribe');

      // Assess
      expect(outcome).toBe('refused');
      expect(aroha.status).toBe('suppressed');
    });

    it('answers unchanged for someone who is not a member, and announces nothing', async () => {
      // Prepare
      const { deps, round, bus } = setUp();

      // Act
      const outcome = await applyLinkAction(
        deps,
        { roundId: round.id, participantId: 'pzzzzzzzzzzzz', action: 'unsubscribe' },
        NOW,
      );

      // Assess
      expect(outcome).toBe('unchanged');
      expect(bus.events).toEqual([]);
    });
  });

  describe('quiet', () => {
    it('puts the partnership at risk, flagged by the member, with the partners as the quiet ones', async () => {
      // Prepare
      const { act, aroha, bashir, round, lifecycle, bus } = setUp();

      // Act
      const outcome = await act(aroha, 'quiet');

      // Assess
      expect(outcome).toBe('changed');
      expect(lifecycle.partnerships.get(aroha.partnershipId as string)).toMatchObject({
        status: 'at-risk',
        atRiskReason: 'flagged',
        atRiskAt: NOW.toISOString(),
        quietIds: [bashir.id],
        flaggedBy: { [aroha.id]: NOW.toISOString() },
      });
      expect(bus.events).toEqual([changed(round, aroha, 'flagged-quiet')]);
    });

    it('changes once when the member flags twice, and announces the repeat again', async () => {
      // Prepare
      const { act, aroha, bus } = setUp();

      // Act
      const outcomes = [await act(aroha, 'quiet'), await act(aroha, 'quiet')];

      // Assess: a repeat may be the retry of a flag whose announcement failed.
      expect(outcomes).toEqual(['changed', 'unchanged']);
      expect(bus.events.map((e) => e.detail)).toEqual([
        expect.objectContaining({ change: 'flagged-quiet' }),
        expect.objectContaining({ change: 'flagged-quiet' }),
      ]);
    });

    it('changes and announces once when both partners flag each other, even at the same moment', async () => {
      // Prepare
      const { act, aroha, bashir, round, lifecycle, bus } = setUp();

      // Act
      const outcomes = await Promise.all([act(aroha, 'quiet'), act(bashir, 'quiet')]);

      // Assess
      expect([...outcomes].sort()).toEqual(['changed', 'unchanged']);
      expect(bus.events).toHaveLength(1);
      expect(bus.events[0]?.detail).toMatchObject({ roundId: round.id, change: 'flagged-quiet' });
      expect(Object.keys(lifecycle.partnerships.get(aroha.partnershipId as string)?.flaggedBy ?? {})).toEqual(
        [aroha.id, bashir.id],
      );
    });

    it('answers unchanged for a partnership already at risk for silence, noting the flag', async () => {
      // Prepare
      const { act, aroha, lifecycle, bus } = setUp({
        partnership: { status: 'at-risk', atRiskReason: 'silent' },
      });

      // Act
      const outcome = await act(aroha, 'quiet');

      // Assess
      expect(outcome).toBe('unchanged');
      expect(lifecycle.partnerships.get(aroha.partnershipId as string)?.flaggedBy).toHaveProperty(aroha.id);
      expect(bus.events).toEqual([]);
    });

    it('refuses a member without a partnership, writing nothing', async () => {
      // Prepare
      const { act, aroha, lifecycle, bus } = setUp({ alone: true });

      // Act
      const outcome = await act(aroha, 'quiet');

      // Assess
      expect(outcome).toBe('refused');
      expect(lifecycle.partnerships.size).toBe(0);
      expect(bus.events).toEqual([]);
    });

    it.each([
      ['a member who unsubscribed', { status: 'unsubscribed' as const }],
      ['a round that has closed', { round: { status: 'closed' as const } }],
    ])('refuses %s', async (_, options) => {
      // Prepare
      const { act, aroha, lifecycle, bus } = setUp(options);

      // Act
      const outcome = await act(aroha, 'quiet');

      // Assess
      expect(outcome).toBe('refused');
      expect(lifecycle.partnerships.get(aroha.partnershipId as string)?.status).toBe('active');
      expect(bus.events).toEqual([]);
    });

    it('refuses someone who is not a member of the round', async () => {
      // Prepare
      const { deps, round } = setUp();

      // Act
      const outcome = await applyLinkAction(
        deps,
        { roundId: round.id, participantId: 'pzzzzzzzzzzzz', action: 'quiet' },
        NOW,
      );

      // Assess
      expect(outcome).toBe('refused');
    });
  });

  describe('check-in answers', () => {
    it('records the answer and counts it as activity in the partnership, announcing nothing', async () => {
      // Prepare
      const { act, aroha, round, store, lifecycle, bus } = setUp();

      // Act
      const outcome = await act(aroha, 'checkin1-not-yet');

      // Assess
      expect(outcome).toBe('changed');
      expect(lifecycle.checkins).toEqual([
        { roundId: round.id, participantId: aroha.id, checkin: 1, answer: 'not-yet' },
      ]);
      expect(aroha.checkins).toEqual({ '1': 'not-yet' });
      expect([...store.activity.entries()]).toEqual([
        [`${round.id}/${aroha.partnershipId}/${aroha.id}`, NOW.toISOString()],
      ]);
      expect(bus.events).toEqual([]);
    });

    it('keeps the latest answer, and each answer is a change', async () => {
      // Prepare
      const { act, aroha } = setUp();

      // Act
      const outcomes = [await act(aroha, 'checkin1-yes'), await act(aroha, 'checkin1-not-managed')];

      // Assess
      expect(outcomes).toEqual(['changed', 'changed']);
      expect(aroha.checkins).toEqual({ '1': 'not-managed' });
    });

    it('takes the final check-in for 30 days after the round closed, and refuses it after', async () => {
      // Prepare
      const closedAt = new Date('2025-06-23T07:00:00Z');
      const { act, aroha, lifecycle } = setUp({
        round: { status: 'closed', closedAt: closedAt.toISOString() },
      });

      // Act
      const inTime = await act(aroha, 'checkin2-yes', {}, new Date(closedAt.getTime() + 30 * DAY));
      const late = await act(aroha, 'checkin2-not-yet', {}, new Date(closedAt.getTime() + 30 * DAY + 1));

      // Assess
      expect([inTime, late]).toEqual(['changed', 'refused']);
      expect(lifecycle.checkins.map((c) => c.answer)).toEqual(['yes']);
    });

    it('records the answer of a member whose partnership has ended, without activity', async () => {
      // Prepare
      const { act, aroha, store, lifecycle } = setUp({ alone: true });

      // Act
      const outcome = await act(aroha, 'checkin1-yes');

      // Assess
      expect(outcome).toBe('changed');
      expect(lifecycle.checkins).toHaveLength(1);
      expect(store.activity.size).toBe(0);
    });

    it('refuses an answer from someone who is not a member', async () => {
      // Prepare
      const { deps, round, lifecycle } = setUp();

      // Act
      const outcome = await applyLinkAction(
        deps,
        { roundId: round.id, participantId: 'pzzzzzzzzzzzz', action: 'checkin1-yes' },
        NOW,
      );

      // Assess
      expect(outcome).toBe('refused');
      expect(lifecycle.checkins).toEqual([]);
    });

    it('uses the context the caller has just read instead of reading it again', async () => {
      // Prepare
      const { act, aroha, store, round } = setUp();
      const context = await store.getSendContext(round.id, aroha.id);
      store.sendContextReads.length = 0;

      // Act
      await act(aroha, 'checkin1-yes', context ? { context } : {});
      await act(aroha, 'quiet', context ? { context } : {});

      // Assess
      expect(store.sendContextReads).toEqual([]);
    });
  });

  describe('a change and its event never part', () => {
    it.each([
      ['unsubscribe', 'unsubscribed'],
      ['pause', 'paused'],
    ] as const)(
      'announces a %s whose announcement failed when the member clicks again',
      async (action, change) => {
        // Prepare: the status is written, then PutEvents fails and the click answers with an error.
        const { deps, aroha, round, bus } = setUp();
        bus.refusals = 1;
        const claims = { roundId: round.id, participantId: aroha.id, action };
        await expect(applyLinkAction(deps, claims, NOW)).rejects.toThrow('InternalException');
        expect(bus.events).toEqual([]);

        // Act: the member clicks the link again a minute later.
        const retried = await applyLinkAction(deps, claims, new Date(NOW.getTime() + 60_000));

        // Assess
        expect(retried).toBe('unchanged');
        expect(bus.events).toEqual([changed(round, aroha, change)]);
      },
    );

    it('answers a retry of the very request that made the change as that request would have', async () => {
      // Prepare: a STOP by mail acts as of the mail's arrival, which Lambda's retry keeps.
      const { deps, aroha, round, bus } = setUp();
      bus.refusals = 1;
      const claims = { roundId: round.id, participantId: aroha.id, action: 'unsubscribe' as const };
      await expect(applyLinkAction(deps, claims, NOW)).rejects.toThrow('InternalException');

      // Act
      const retried = await applyLinkAction(deps, claims, NOW);

      // Assess
      expect(retried).toBe('changed');
      expect(bus.events).toEqual([changed(round, aroha, 'unsubscribed')]);
    });

    it('announces a flag whose announcement failed when the member flags again', async () => {
      // Prepare
      const { deps, aroha, round, bus, lifecycle } = setUp();
      bus.refusals = 1;
      const claims = { roundId: round.id, participantId: aroha.id, action: 'quiet' as const };
      await expect(applyLinkAction(deps, claims, NOW)).rejects.toThrow('InternalException');
      expect(lifecycle.partnerships.get(aroha.partnershipId as string)?.status).toBe('at-risk');

      // Act
      const retried = await applyLinkAction(deps, claims, NOW);

      // Assess
      expect(retried).toBe('unchanged');
      expect(bus.events).toEqual([changed(round, aroha, 'flagged-quiet')]);
    });

    it('announces nothing that never changed: a resume for a member never paused, a link for a non-member', async () => {
      // Prepare
      const { deps, act, aroha, round, bus } = setUp();

      // Act
      const outcomes = [
        await act(aroha, 'resume'),
        await applyLinkAction(
          deps,
          { roundId: round.id, participantId: 'pzzzzzzzzzzzz', action: 'pause' },
          NOW,
        ),
      ];

      // Assess
      expect(outcomes).toEqual(['unchanged', 'unchanged']);
      expect(bus.events).toEqual([]);
    });
  });

  describe('order and errors', () => {
    it('writes the change before announcing it, so a lost event loses no change', async () => {
      // Prepare
      const { deps, aroha, round } = setUp();
      const failing = {
        ...deps,
        bus: {
          publish: async () => {
            throw new Error('EventBridge unavailable');
          },
        },
      };

      // Act
      const result = applyLinkAction(
        failing,
        { roundId: round.id, participantId: aroha.id, action: 'pause' },
        NOW,
      );

      // Assess
      await expect(result).rejects.toThrow('EventBridge unavailable');
      expect(aroha.status).toBe('paused');
    });

    it('lets errors a retry can fix through', async () => {
      // Prepare
      const { deps, aroha, round } = setUp();
      const membership: MembershipStore = {
        setMemberStatus: async () => {
          throw new Error('ProvisionedThroughputExceededException');
        },
      };

      // Act
      const result = applyLinkAction(
        { ...deps, membership },
        { roundId: round.id, participantId: aroha.id, action: 'pause' },
        NOW,
      );

      // Assess
      await expect(result).rejects.toThrow('Provisioned');
    });
  });
});
