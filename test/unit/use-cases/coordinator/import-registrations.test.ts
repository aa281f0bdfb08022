import { describe, expect, it, vi } from 'vitest';
import type { Registration } from '#core/coordinator/registration';
import type { Profile } from '#core/model';
import { RoundNotFound, RoundStatusRefused } from '../../../../functions/use-cases/coordinator/errors.ts';
import {
  ImportInterrupted,
  importRegistrations,
} from '../../../../functions/use-cases/coordinator/import-registrations.ts';
import { aMember, aParticipant, aRound, partnershipId } from '../../core/fixtures.ts';
import { InMemoryStore } from '../fakes.ts';
import { counterIds } from './fixtures.ts';

const AT = new Date('2027-02-01T10:00:00Z');
const ROUND = 'spring';

const profileOf = (seed: string, country = 'NZ'): Profile => {
  const { id: _, status: __, ...profile } = aParticipant({ seed, country });
  return profile;
};

/** Rows of a CSV file: line 2 onwards. */
const rows = (...profiles: Profile[]): Registration[] =>
  profiles.map((profile, i) => ({ ref: { line: i + 2 }, profile }));

const setUp = (status: 'draft' | 'matched' = 'draft') => {
  const store = new InMemoryStore([aRound({ id: ROUND, status })]);
  const deps = { rounds: store, participants: store, newParticipantId: counterIds('p') };
  return { store, deps };
};

describe('importRegistrations', () => {
  it('registers new people as members, in the order of their rows', async () => {
    // Prepare
    const { store, deps } = setUp();
    const progress: [number, number][] = [];

    // Act
    const outcome = await importRegistrations(
      deps,
      { roundId: ROUND, registrations: rows(profileOf('ana'), profileOf('ben', 'IN')), at: AT },
      { onProgress: (done, total) => progress.push([done, total]) },
    );

    // Assess
    expect(outcome).toMatchObject({ imported: 2, updated: 0, inactive: [] });
    expect(outcome.participants.map((p) => p.email)).toEqual(['ana@example.org', 'ben@example.org']);
    const members = store.members.get(ROUND) ?? [];
    expect(members.map((m) => [m.email, m.registeredAt, m.registrationSeq])).toEqual([
      ['ana@example.org', AT.toISOString(), 2],
      ['ben@example.org', AT.toISOString(), 3],
    ]);
    expect(progress).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
  });

  it('keeps counting a member who signed up themselves as signed up when a file registers them again', async () => {
    // Prepare
    const { store, deps } = setUp();
    const ana = aParticipant({ seed: 'ana' });
    store.participants.set(ana.email, ana);
    await store.addMember(ROUND, ana, { at: '2027-01-20T08:00:00.000Z', seq: 0, via: 'sign-up' });

    // Act
    await importRegistrations(deps, { roundId: ROUND, registrations: rows(profileOf('ana')), at: AT });

    // Assess
    expect(
      store.members.get(ROUND)?.map((m) => [m.registeredAt, m.registrationSeq, m.registeredVia]),
    ).toEqual([['2027-01-20T08:00:00.000Z', 0, 'sign-up']]);
  });

  it('updates people imported before, who keep their id and their place in the registration order', async () => {
    // Prepare
    const { store, deps } = setUp();
    await importRegistrations(deps, { roundId: ROUND, registrations: rows(profileOf('ana')), at: AT });
    const later = new Date('2027-02-10T10:00:00Z');

    // Act: Ana again (on another line, with a new organisation), and Ben for the first time.
    const outcome = await importRegistrations(deps, {
      roundId: ROUND,
      registrations: rows(profileOf('ben', 'IN'), { ...profileOf('ana'), organisation: 'City Library' }),
      at: later,
    });

    // Assess
    expect(outcome).toMatchObject({ imported: 1, updated: 1 });
    const members = new Map(store.members.get(ROUND)?.map((m) => [m.email, m]));
    expect(members.get('ana@example.org')).toMatchObject({
      organisation: 'City Library',
      registeredAt: AT.toISOString(),
      registrationSeq: 2,
    });
    expect(members.get('ben@example.org')).toMatchObject({ registeredAt: later.toISOString() });
    expect(store.participants.size).toBe(2);
  });

  it('reads the whole round only for a large file: one person is looked up by their member item', async () => {
    // Prepare
    const { store, deps } = setUp();
    const many = Array.from({ length: 30 }, (_, i) => ({ ...profileOf('ana'), email: `p${i}@example.org` }));

    // Act
    await importRegistrations(deps, { roundId: ROUND, registrations: rows(profileOf('ana')), at: AT });
    const readsForOne = store.memberReads.length;
    const again = await importRegistrations(deps, {
      roundId: ROUND,
      registrations: rows(profileOf('ana')),
      at: AT,
    });
    await importRegistrations(deps, { roundId: ROUND, registrations: rows(...many), at: AT });

    // Assess
    expect(readsForOne).toBe(0);
    expect(again).toMatchObject({ imported: 0, updated: 1 });
    expect(store.memberReads).toEqual([ROUND]);
  });

  it('keeps the coordinator fields it is told to keep when a registration leaves them out', async () => {
    // Prepare
    const { store, deps } = setUp();
    await importRegistrations(deps, {
      roundId: ROUND,
      registrations: rows({ ...profileOf('ana'), notes: { pronouns: 'she/her' } }),
      at: AT,
    });

    // Act
    await importRegistrations(deps, {
      roundId: ROUND,
      registrations: rows({ ...profileOf('ana'), name: 'Ana S.' }),
      at: AT,
      keepUnset: ['notes'],
    });

    // Assess
    expect(store.participants.get('ana@example.org')).toMatchObject({
      name: 'Ana S.',
      notes: { pronouns: 'she/her' },
    });
  });

  it('registers people whose address bounced before, and lists them by row as getting no mail', async () => {
    // Prepare
    const { store, deps } = setUp();
    const bounced = aParticipant({ seed: 'cleo', status: 'suppressed' });
    store.participants.set(bounced.email, bounced);

    // Act
    const outcome = await importRegistrations(deps, {
      roundId: ROUND,
      registrations: rows(profileOf('ana'), profileOf('cleo')),
      at: AT,
    });

    // Assess
    expect(outcome.inactive).toEqual([{ line: 3, email: 'cleo@example.org', status: 'suppressed' }]);
  });

  it('refuses a round that does not exist', async () => {
    // Prepare
    const { deps } = setUp();

    // Act
    const attempt = importRegistrations(deps, {
      roundId: 'autumn',
      registrations: rows(profileOf('ana')),
      at: AT,
    });

    // Assess
    await expect(attempt).rejects.toThrow(new RoundNotFound('autumn'));
  });

  it('refuses a round no longer a draft, and registers nobody', async () => {
    // Prepare
    const { store, deps } = setUp('matched');

    // Act
    const attempt = importRegistrations(deps, {
      roundId: ROUND,
      registrations: rows(profileOf('ana')),
      at: AT,
    });

    // Assess
    await expect(attempt).rejects.toThrow(RoundStatusRefused);
    await expect(attempt).rejects.toThrow(
      'round spring is matched: participants can only be imported into a draft round, before matching',
    );
    expect(store.participants.size).toBe(0);
  });

  it('stops when the round turns out matched meanwhile, saying how many were written', async () => {
    // Prepare: Ben is a member with a partnership already, as after a `match` that ran during the import.
    const { store, deps } = setUp();
    const ben = aMember({ seed: 'ben', roundId: ROUND, country: 'IN', partnershipId: partnershipId('one') });
    store.seed({ members: [ben] });
    store.participants.set(ben.email, aParticipant({ seed: 'ben', country: 'IN' }));

    // Act
    const attempt = importRegistrations(
      deps,
      { roundId: ROUND, registrations: rows(profileOf('ana'), profileOf('ben', 'IN')), at: AT },
      { concurrency: 1 },
    );

    // Assess
    await expect(attempt).rejects.toThrow(ImportInterrupted);
    await expect(attempt).rejects.toMatchObject({
      roundMatched: true,
      written: 1,
      total: 2,
      message: 'round spring was matched during the import',
    });
  });

  it('stops at a failed write, with the cause and what was written before it', async () => {
    // Prepare
    const { store, deps } = setUp();
    const lost = new Error('connection reset');
    const upsertParticipant = store.upsertParticipant.bind(store);
    vi.spyOn(store, 'upsertParticipant')
      .mockImplementationOnce(upsertParticipant)
      .mockRejectedValueOnce(lost);

    // Act
    const attempt = importRegistrations(
      deps,
      { roundId: ROUND, registrations: rows(profileOf('ana'), profileOf('ben'), profileOf('cleo')), at: AT },
      { concurrency: 1 },
    );

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'ImportInterrupted',
      roundMatched: false,
      written: 1,
      soFar: { imported: 1, updated: 0 },
      cause: lost,
    });
  });
});
