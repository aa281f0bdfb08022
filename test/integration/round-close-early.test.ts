import { describe, expect, it } from 'vitest';
import { launch, roundState, seedRound, sentMails, settle, tandem } from './support.ts';

describe('tandem round close', () => {
  it('closes a running round early: the closing mail to everyone partnered, every partnership ended', async () => {
    // Prepare
    await seedRound('it-early', 4);
    await launch('it-early');
    await settle();
    const running = await roundState('it-early');

    // Act
    const result = await tandem('round', 'close', 'it-early', '--json');
    await settle();

    // Assess
    expect(result.code).toBe(0);
    const closed = await roundState('it-early');
    expect(JSON.parse(result.stdout)).toEqual({
      roundId: 'it-early',
      status: 'closed',
      closingMails: 4,
      partnershipsEnded: running.partnerships.length,
      closedAt: closed.round.closedAt,
    });
    expect(closed.round.status).toBe('closed');
    expect(closed.partnerships.every((p) => p.status === 'ended' && p.endedReason === 'round-closed')).toBe(
      true,
    );
    const closing = (await sentMails('it-early')).filter((m) => m.kind === 'close');
    expect(closing.map((m) => m.participantId).sort()).toEqual(running.members.map((m) => m.id).sort());
  });

  it('refuses a round that is not running with exit 1, and one that does not exist', async () => {
    // Prepare
    await seedRound('it-early-draft', 2);

    // Act
    const matched = await tandem('round', 'close', 'it-early-draft');
    const missing = await tandem('round', 'close', 'it-early-none');

    // Assess
    expect(matched.code).toBe(1);
    expect(matched.stderr).toContain('round it-early-draft is matched: only a running round can be closed');
    expect((await roundState('it-early-draft')).round.status).toBe('matched');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('round it-early-none does not exist');
  });
});
