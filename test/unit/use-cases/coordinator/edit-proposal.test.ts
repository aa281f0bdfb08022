import { describe, expect, it } from 'vitest';
import { EditRefused } from '#core/coordinator/proposal-edits';
import { withoutPartner } from '#core/coordinator/without-partner';
import type { Member } from '#core/model';
import { editProposal } from '../../../../functions/use-cases/coordinator/edit-proposal.ts';
import { ReviewFileInvalid } from '../../../../functions/use-cases/coordinator/import-review-file.ts';
import { matchRound } from '../../../../functions/use-cases/coordinator/match-round.ts';
import { aMember, aRound } from '../../core/fixtures.ts';
import { InMemoryLifecycle } from '../fake-lifecycle.ts';
import { counterIds, pairsOf } from './fixtures.ts';

const ROUND = 'spring';

/**
 * A cohort with every reason to be without a partner: Eru is over the country cap (NZ, after Ana), Gus
 * shares no language with anyone, Kim and Mia each share one only with Cleo (so one of them is left
 * over), Sam gets no mail. Ana and Ben make a pair.
 */
const people: [seed: string, country: string, languages: string[], status?: Member['status']][] = [
  ['ana', 'NZ', ['en']],
  ['eru', 'NZ', ['en']],
  ['ben', 'IN', ['en']],
  ['cleo', 'BR', ['pt', 'es']],
  ['kim', 'KR', ['pt']],
  ['mia', 'MX', ['es']],
  ['gus', 'DE', ['de']],
  ['sam', 'GB', ['en'], 'suppressed'],
];

const world = async () => {
  const store = new InMemoryLifecycle({
    rounds: [aRound({ id: ROUND, status: 'draft', startDate: '2027-03-01' })],
    members: people.map(([seed, country, languages, status], i) =>
      aMember({
        seed,
        country,
        languages,
        roundId: ROUND,
        status: status ?? 'active',
        registeredAt: '2027-02-01T10:00:00.000Z',
        registrationSeq: i + 2,
      }),
    ),
  });
  const deps = { rounds: store, lifecycle: store, proposals: store, newId: counterIds('t') };
  const idOf = (seed: string) => store.member(ROUND, `p${seed.padEnd(12, 'a')}`).id;
  const partnershipOf = (seed: string) => store.member(ROUND, idOf(seed)).partnershipId as string;
  const reasons = async () => {
    const state = await store.loadRoundState(ROUND);
    if (!state) throw new Error('no round');
    const { round, members, partnerships } = state;
    return withoutPartner({ roundId: round.id, members, partnerships }, await store.pastPartners(ROUND), {
      ...state.round.matching,
      referenceDate: state.round.startDate,
    }).map(({ member, reason }) => ({ email: member.email, reason }));
  };
  return { store, deps, idOf, partnershipOf, reasons };
};

describe('withoutPartner', () => {
  it('gives the reasons `tandem match` gave, from the stored proposal', async () => {
    // Prepare
    const { deps, reasons } = await world();

    // Act
    const outcome = await matchRound(deps, { roundId: ROUND });

    // Assess
    expect(outcome.unmatched.map((u) => u.reason)).toEqual([
      'suppressed: gets no mail',
      'country cap',
      'no feasible partner',
      'left over',
    ]);
    expect(await reasons()).toEqual(outcome.unmatched);
  });

  it('gives the reasons of a re-match around the locked partnerships, as it does them', async () => {
    // Prepare
    const { deps, store, reasons, partnershipOf } = await world();
    await matchRound(deps, { roundId: ROUND });
    await editProposal(deps, {
      roundId: ROUND,
      edit: { kind: 'lock', partnershipId: partnershipOf('ana'), locked: true },
    });

    // Act
    const outcome = await matchRound(deps, { roundId: ROUND, keepLocked: true });

    // Assess
    expect(outcome.locked).toHaveLength(1);
    expect(await reasons()).toEqual(outcome.unmatched);
    expect(pairsOf(store, ROUND)).toContainEqual(['ana@example.org', 'ben@example.org']);
  });
});

describe('editProposal', () => {
  it('refuses a move that breaks the hard constraints with the messages of `matches import`, changing nothing', async () => {
    // Prepare
    const { deps, store, idOf, partnershipOf: partnershipOfSeed, reasons } = await world();
    await matchRound(deps, { roundId: ROUND });

    // Act: Ben joins Cleo's pair, sharing no language with either; Eru (over the cap, without a
    // partner) joins Ana's and Ben's, NZ like Ana.
    const refusal = (participant: string, partnershipOf: string) =>
      editProposal(deps, {
        roundId: ROUND,
        edit: {
          kind: 'move',
          participantId: idOf(participant),
          partnershipId: partnershipOfSeed(partnershipOf),
        },
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
    const ben = await refusal('ben', 'cleo');
    const eru = await refusal('eru', 'ana');

    // Assess
    expect(ben).toBeInstanceOf(ReviewFileInvalid);
    expect((ben as ReviewFileInvalid).issues.map((i) => i.message)).toEqual([
      'cleo@example.org and ben@example.org cannot be partners: no shared language (cleo@example.org: pt, es; ben@example.org: en)',
      expect.stringMatching(
        /^(kim|mia)@example.org and ben@example.org cannot be partners: no shared language/,
      ),
    ]);
    expect(eru).toMatchObject({
      issues: [
        {
          line: 2,
          field: 'email_1/email_3',
          message: 'ana@example.org and eru@example.org cannot be partners: both are in NZ',
        },
      ],
    });
    expect(pairsOf(store, ROUND)).toHaveLength(2);
    expect((await reasons()).map((r) => r.email)).toContain('eru@example.org');
  });

  it('stores a swap that holds, locking the partnership it made, and says why the other is without one', async () => {
    // Prepare
    const { deps, store, idOf, partnershipOf, reasons } = await world();
    await matchRound(deps, { roundId: ROUND });
    const leftOver = (await reasons()).find((r) => r.reason === 'left over')?.email as string;
    const cleoPair = partnershipOf('cleo');

    // Act: the one of Kim and Mia left over takes the other's place beside Cleo.
    const other = ['kim@example.org', 'mia@example.org'].find((e) => e !== leftOver) as string;
    const swapped = await editProposal(deps, {
      roundId: ROUND,
      edit: {
        kind: 'swap',
        participantIds: [idOf(leftOver.split('@')[0] as string), idOf(other.split('@')[0] as string)],
      },
    });

    // Assess
    expect(swapped).toMatchObject({ changed: 1, saved: { added: 1, removed: 1, status: 'matched' } });
    const made = store.partnershipsOf(ROUND).find((p) => p.members.includes(idOf('cleo')));
    expect(made).toMatchObject({ locked: true, score: expect.any(Number), explanation: expect.any(String) });
    expect(made?.id).not.toBe(cleoPair);
    // Cleo, the only one the other shares a language with, is in a locked partnership now: re-matching
    // around it finds them nobody.
    expect((await reasons()).find((r) => r.email === other)?.reason).toBe('no feasible partner');
  });

  it('locks and unlocks a partnership, keeping its id, score and members', async () => {
    // Prepare
    const { deps, store, partnershipOf } = await world();
    await matchRound(deps, { roundId: ROUND });
    const id = partnershipOf('ana');
    const before = store.partnership(ROUND, id);

    // Act
    await editProposal(deps, { roundId: ROUND, edit: { kind: 'lock', partnershipId: id, locked: true } });
    const locked = store.partnership(ROUND, id);
    await editProposal(deps, { roundId: ROUND, edit: { kind: 'lock', partnershipId: id, locked: false } });

    // Assess
    expect(locked).toMatchObject({ locked: true, score: before.score, members: before.members });
    expect(store.partnership(ROUND, id).locked).toBe(false);
    expect(store.round(ROUND)?.status).toBe('matched');
  });

  it('refuses an edit naming a partnership the round does not have, changing nothing', async () => {
    // Prepare
    const { deps, store } = await world();
    await matchRound(deps, { roundId: ROUND });
    const before = pairsOf(store, ROUND);

    // Act
    const attempt = editProposal(deps, {
      roundId: ROUND,
      edit: { kind: 'lock', partnershipId: 'tgoneaaaaaaaa', locked: true },
    });

    // Assess
    await expect(attempt).rejects.toThrow(EditRefused);
    expect(pairsOf(store, ROUND)).toEqual(before);
  });
});
