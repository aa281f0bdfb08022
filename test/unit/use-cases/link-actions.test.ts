import { describe, expect, it } from 'vitest';
import { type MemberStatusChange, type MembershipStore, TransitionRejected } from '#ports/store';
import { applyLinkAction } from '../../../functions/use-cases/link-actions.ts';
import { participantId } from '../core/fixtures.ts';

/** Member statuses in a map, with the DynamoDB adapter's conditional semantics. */
class InMemoryMembership implements MembershipStore {
  readonly statuses = new Map<string, string>();
  readonly calls: { to: MemberStatusChange; allowedFrom: readonly string[]; at: string }[] = [];

  async setMemberStatus(
    roundId: string,
    participantId: string,
    to: MemberStatusChange,
    allowedFrom: readonly string[],
    at: string,
  ): Promise<'changed' | 'unchanged'> {
    this.calls.push({ to, allowedFrom, at });
    const key = `${roundId}/${participantId}`;
    const current = this.statuses.get(key);
    if (current === undefined || current === to) return 'unchanged';
    if (!allowedFrom.includes(current)) throw new TransitionRejected(`member is ${current}`);
    this.statuses.set(key, to);
    return 'changed';
  }
}

const NOW = new Date('2025-03-17T12:00:00Z');
const aroha = participantId('aroha');
const key = `spring-2025/${aroha}`;
const link = (action: 'unsubscribe' | 'pause' | 'resume' | 'quiet') => ({
  roundId: 'spring-2025',
  participantId: aroha,
  action,
});

const withMember = (status: string) => {
  const membership = new InMemoryMembership();
  membership.statuses.set(key, status);
  return membership;
};

describe('applyLinkAction', () => {
  it('unsubscribes an active member, and a repeat is harmless', async () => {
    const membership = withMember('active');

    const first = await applyLinkAction({ membership }, link('unsubscribe'), NOW);
    const again = await applyLinkAction({ membership }, link('unsubscribe'), NOW);

    expect([first, again]).toEqual(['changed', 'unchanged']);
    expect(membership.statuses.get(key)).toBe('unsubscribed');
    expect(membership.calls[0]).toEqual({
      to: 'unsubscribed',
      allowedFrom: ['active', 'paused'],
      at: '2025-03-17T12:00:00.000Z',
    });
  });

  it('unsubscribes a paused member', async () => {
    const membership = withMember('paused');

    expect(await applyLinkAction({ membership }, link('unsubscribe'), NOW)).toBe('changed');
    expect(membership.statuses.get(key)).toBe('unsubscribed');
  });

  it('pauses an active member and resumes them', async () => {
    const membership = withMember('active');

    expect(await applyLinkAction({ membership }, link('pause'), NOW)).toBe('changed');
    expect(membership.statuses.get(key)).toBe('paused');
    expect(await applyLinkAction({ membership }, link('resume'), NOW)).toBe('changed');
    expect(membership.statuses.get(key)).toBe('active');
  });

  it('refuses to resume or pause a member who unsubscribed', async () => {
    const membership = withMember('unsubscribed');

    expect(await applyLinkAction({ membership }, link('resume'), NOW)).toBe('refused');
    expect(await applyLinkAction({ membership }, link('pause'), NOW)).toBe('refused');
    expect(membership.statuses.get(key)).toBe('unsubscribed');
  });

  it('leaves a suppressed member suppressed', async () => {
    const membership = withMember('suppressed');

    expect(await applyLinkAction({ membership }, link('unsubscribe'), NOW)).toBe('refused');
    expect(membership.statuses.get(key)).toBe('suppressed');
  });

  it('answers unchanged for someone who is not a member', async () => {
    const membership = new InMemoryMembership();

    expect(await applyLinkAction({ membership }, link('unsubscribe'), NOW)).toBe('unchanged');
  });

  it('does not touch the store for quiet, which is not built yet', async () => {
    const membership = withMember('active');

    expect(await applyLinkAction({ membership }, link('quiet'), NOW)).toBe('not-yet-supported');
    expect(membership.calls).toEqual([]);
  });

  it('lets errors a retry can fix through', async () => {
    const membership: MembershipStore = {
      setMemberStatus: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    };

    await expect(applyLinkAction({ membership }, link('pause'), NOW)).rejects.toThrow('Provisioned');
  });
});
