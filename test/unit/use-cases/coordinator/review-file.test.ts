import { describe, expect, it } from 'vitest';
import { MatchesFileError } from '#core/coordinator/matches-file';
import { RoundNotFound } from '../../../../functions/use-cases/coordinator/errors.ts';
import { exportReviewFile } from '../../../../functions/use-cases/coordinator/export-review-file.ts';
import {
  importReviewFile,
  ReviewFileInvalid,
} from '../../../../functions/use-cases/coordinator/import-review-file.ts';
import { matchRound } from '../../../../functions/use-cases/coordinator/match-round.ts';
import { aRound } from '../../core/fixtures.ts';
import { InMemoryLifecycle } from '../fake-lifecycle.ts';
import { cohortOf, counterIds, pairsOf } from './fixtures.ts';

const ROUND = 'spring';

/** A matched round: its proposal stored by the matcher. Four people from four countries, and a fifth from Ana's. */
const matched = async () => {
  const store = new InMemoryLifecycle({
    rounds: [aRound({ id: ROUND, status: 'draft', startDate: '2027-03-01' })],
    members: cohortOf(ROUND, [
      ['ana', 'NZ'],
      ['ben', 'IN'],
      ['cleo', 'BR'],
      ['dev', 'US'],
      ['eru', 'NZ'],
    ]),
  });
  const deps = { rounds: store, lifecycle: store, proposals: store, newId: counterIds('t') };
  await matchRound(deps, { roundId: ROUND, settings: { countryCap: 1 } });
  return { store, deps };
};

/** A review file with these rows of addresses (the columns the import reads). */
const reviewFile = (...rows: string[][]) =>
  [
    'email_1,email_2,email_3,locked',
    ...rows.map((row) => [row[0], row[1], row[2] ?? '', row[3] ?? ''].join(',')),
  ].join('\r\n');

describe('exportReviewFile', () => {
  it('writes the proposal as the review CSV, counting partnerships and those without one', async () => {
    // Prepare
    const { store } = await matched();

    // Act
    const file = await exportReviewFile({ lifecycle: store }, ROUND);

    // Assess
    expect(file.round.status).toBe('matched');
    expect(file.csv.split('\r\n')[0]).toBe(
      'partnership_id,locked,email_1,email_2,email_3,name_1,name_2,name_3,countries,score,explanation',
    );
    expect(file.partnerships).toBe(pairsOf(store, ROUND).length);
    expect(file.alone).toBe(5 - pairsOf(store, ROUND).flat().length);
  });

  it('refuses a round that does not exist', async () => {
    // Act
    const attempt = exportReviewFile({ lifecycle: new InMemoryLifecycle() }, ROUND);

    // Assess
    await expect(attempt).rejects.toThrow(RoundNotFound);
  });
});

describe('importReviewFile', () => {
  it("replaces the proposal with the file's partnerships, locking the coordinator's edits", async () => {
    // Prepare
    const { store, deps } = await matched();

    // Act
    const imported = await importReviewFile(deps, {
      roundId: ROUND,
      text: reviewFile(
        ['ana@example.org', 'ben@example.org'],
        ['cleo@example.org', 'dev@example.org', 'eru@example.org', 'no'],
      ),
    });

    // Assess
    expect(imported).toMatchObject({ partnerships: 2, alone: [], saved: { status: 'matched' } });
    expect(pairsOf(store, ROUND)).toEqual([
      ['ana@example.org', 'ben@example.org'],
      ['cleo@example.org', 'dev@example.org', 'eru@example.org'],
    ]);
    const lockedOf = new Map(store.partnershipsOf(ROUND).map((p) => [p.members.length, p.locked]));
    expect(lockedOf.get(3)).toBe(false);
  });

  it('lists every row that breaks a hard constraint, and changes nothing', async () => {
    // Prepare
    const { store, deps } = await matched();
    const before = pairsOf(store, ROUND);

    // Act: Ana and Eru are both from New Zealand; nobody is registered as zoe.
    const attempt = importReviewFile(deps, {
      roundId: ROUND,
      text: reviewFile(['ana@example.org', 'eru@example.org'], ['zoe@example.org', 'ben@example.org']),
    });

    // Assess
    await expect(attempt).rejects.toThrow(ReviewFileInvalid);
    await expect(attempt).rejects.toMatchObject({
      issues: [expect.objectContaining({ line: 2 }), expect.objectContaining({ line: 3 })],
    });
    expect(pairsOf(store, ROUND)).toEqual(before);
  });

  it('refuses a file that is no review file at all', async () => {
    // Prepare
    const { deps } = await matched();

    // Act
    const attempt = importReviewFile(deps, { roundId: ROUND, text: 'name,country\r\nAna,NZ' });

    // Assess
    await expect(attempt).rejects.toThrow(MatchesFileError);
  });
});
