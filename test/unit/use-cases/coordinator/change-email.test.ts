import { describe, expect, it } from 'vitest';
import type { Member, Round } from '#core/model';
import { AddressChangeTooLarge } from '#ports/address-change';
import { AlreadyTaken } from '#ports/errors';
import { changeEmail, InvalidAddress } from '../../../../functions/use-cases/coordinator/change-email.ts';
import { UnknownParticipant } from '../../../../functions/use-cases/coordinator/errors.ts';
import { aMember, aParticipant, aRound } from '../../core/fixtures.ts';
import { InMemoryAddressChange } from '../fake-address-change.ts';

const NOW = new Date('2025-05-01T10:00:00Z');
const DAY = 86_400_000;
const OLD = 'aroha@old.example.org';
const NEW = 'aroha@new.example.org';

const roundOf = (id: string, status: Round['status'], overrides: Partial<Round> = {}) =>
  aRound({ id, status, ...overrides });

/** Aroha (registered with OLD) in each given round, Bashir (bashir@example.org) in every one of them. */
const setUp = (
  rounds: Round[],
  aroha: { status?: Member['status']; suppressedReason?: Member['suppressedReason'] } = {},
) => {
  const addresses = new InMemoryAddressChange();
  const person = aParticipant({ seed: 'aroha', email: OLD });
  addresses.register(person);
  addresses.register(aParticipant({ seed: 'bashir' }));
  for (const round of rounds) {
    addresses.addRound(round);
    addresses.addMember(aMember({ seed: 'aroha', email: OLD, roundId: round.id, ...aroha }));
    addresses.addMember(aMember({ seed: 'bashir', roundId: round.id }));
  }
  const change = (from = OLD, to = NEW) => changeEmail({ addresses }, { from, to }, NOW);
  return { addresses, id: person.id, change };
};

describe('changeEmail', () => {
  it('moves the lock, the profile and the memberships of draft, matched and running rounds to the new address, listing rounds in the order they run', async () => {
    // Prepare
    const { addresses, id, change } = setUp([
      roundOf('matched-r', 'matched', { startDate: '2025-06-02' }),
      roundOf('draft-r', 'draft', { startDate: '2025-06-02' }),
      roundOf('running-r', 'running', { startDate: '2025-03-03' }),
    ]);

    // Act
    const result = await change();

    // Assess
    expect(result).toEqual({
      participantId: id,
      from: OLD,
      to: NEW,
      changed: true,
      rounds: [
        { roundId: 'running-r', roundStatus: 'running', status: 'active', reactivated: false },
        { roundId: 'draft-r', roundStatus: 'draft', status: 'active', reactivated: false },
        { roundId: 'matched-r', roundStatus: 'matched', status: 'active', reactivated: false },
      ],
      profileReactivated: false,
      notWithUpdated: 0,
    });
    expect(await addresses.participantIdOf(NEW)).toBe(id);
    expect(await addresses.participantIdOf(OLD)).toBeUndefined();
    expect(addresses.profiles.get(id)?.email).toBe(NEW);
    for (const roundId of ['draft-r', 'matched-r', 'running-r'])
      expect(addresses.member(roundId, id)?.email).toBe(NEW);
  });

  it('moves a closed round still taking final check-in answers, and leaves an older closed round as it ran', async () => {
    // Prepare
    const { addresses, id, change } = setUp([
      roundOf('recent', 'closed', { closedAt: new Date(NOW.getTime() - 10 * DAY).toISOString() }),
      roundOf('long-ago', 'closed', { closedAt: new Date(NOW.getTime() - 31 * DAY).toISOString() }),
    ]);

    // Act
    const result = await change();

    // Assess
    expect(result.rounds.map((r) => r.roundId)).toEqual(['recent']);
    expect(addresses.member('recent', id)?.email).toBe(NEW);
    expect(addresses.member('long-ago', id)?.email).toBe(OLD);
  });

  it('normalises both addresses as registrations do: trimmed and lower-cased', async () => {
    const { addresses, id, change } = setUp([roundOf('running-r', 'running')]);

    const result = await change('  Aroha@OLD.example.org ', ' AROHA@New.Example.org');

    expect(result).toMatchObject({ from: OLD, to: NEW, changed: true });
    expect(await addresses.participantIdOf(NEW)).toBe(id);
  });

  it('refuses an argument that is not an address, saying which one, and changes nothing', async () => {
    const { addresses, change } = setUp([roundOf('running-r', 'running')]);

    const badNew = await change(OLD, 'aroha@').catch((error: unknown) => error);
    const badOld = await change('', NEW).catch((error: unknown) => error);

    expect(badNew).toBeInstanceOf(InvalidAddress);
    expect(badNew).toMatchObject({
      which: 'to',
      value: 'aroha@',
      message: '"aroha@" is not an email address',
    });
    expect(badOld).toMatchObject({ name: 'InvalidAddress', which: 'from', message: 'missing' });
    expect(addresses.moves).toEqual([]);
  });

  it('refuses an old address nobody is registered with', async () => {
    const { addresses, change } = setUp([roundOf('running-r', 'running')]);

    const error = await change('nobody@example.org', NEW).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnknownParticipant);
    expect((error as Error).message).toBe(
      'nobody is registered with nobody@example.org (never imported, or already forgotten)',
    );
    expect(addresses.moves).toEqual([]);
  });

  it('refuses a person being forgotten, whose profile no longer holds the address', async () => {
    const { addresses, id, change } = setUp([]);
    (addresses.profiles.get(id) as { email: string }).email = `${id}@forgotten.invalid`;

    await expect(change()).rejects.toBeInstanceOf(UnknownParticipant);
    expect(addresses.moves).toEqual([]);
  });

  it("refuses a new address that is someone else's, and changes nothing", async () => {
    const { addresses, id, change } = setUp([roundOf('running-r', 'running')]);

    const error = await change(OLD, 'Bashir@example.org').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AlreadyTaken);
    expect(error).toMatchObject({ what: 'email', value: 'bashir@example.org' });
    expect(addresses.moves).toEqual([]);
    expect(addresses.member('running-r', id)?.email).toBe(OLD);
  });

  it('has nothing to do when both are the same address, and says whose it is', async () => {
    const { addresses, id, change } = setUp([roundOf('running-r', 'running')]);

    const result = await change(OLD, OLD.toUpperCase());

    expect(result).toEqual({
      participantId: id,
      from: OLD,
      to: OLD,
      changed: false,
      rounds: [],
      profileReactivated: false,
      notWithUpdated: 0,
    });
    expect(addresses.moves).toEqual([]);
  });

  it('ends the suppression of the old address on the profile and in rounds not launched yet, and keeps it in a running round', async () => {
    // Prepare
    const { addresses, id, change } = setUp([roundOf('draft-r', 'draft'), roundOf('running-r', 'running')], {
      status: 'suppressed',
      suppressedReason: 'bounce',
    });
    (addresses.profiles.get(id) as { status: string }).status = 'suppressed';

    // Act
    const result = await change();

    // Assess
    expect(result.profileReactivated).toBe(true);
    expect(result.rounds).toEqual([
      { roundId: 'draft-r', roundStatus: 'draft', status: 'active', reactivated: true },
      { roundId: 'running-r', roundStatus: 'running', status: 'suppressed', reactivated: false },
    ]);
    expect(addresses.profiles.get(id)?.status).toBe('active');
    const draft = addresses.member('draft-r', id);
    expect(draft).toMatchObject({ email: NEW, status: 'active', statusChangedAt: NOW.toISOString() });
    expect(draft?.suppressedReason).toBeUndefined();
    expect(addresses.member('running-r', id)).toMatchObject({
      email: NEW,
      status: 'suppressed',
      suppressedReason: 'bounce',
    });
  });

  it('keeps an unsubscribed member unsubscribed', async () => {
    const { addresses, id, change } = setUp([roundOf('running-r', 'running')], { status: 'unsubscribed' });

    const result = await change();

    expect(result.rounds[0]).toMatchObject({ status: 'unsubscribed', reactivated: false });
    expect(addresses.member('running-r', id)).toMatchObject({ email: NEW, status: 'unsubscribed' });
  });

  it("rewrites the old address in fellow members' not-with lists in rounds not launched yet, and only there", async () => {
    // Prepare
    const { addresses, change } = setUp([roundOf('draft-r', 'draft'), roundOf('running-r', 'running')]);
    const bashir = aParticipant({ seed: 'bashir' }).id;
    for (const roundId of ['draft-r', 'running-r'])
      addresses.addMember(
        aMember({ seed: 'bashir', roundId, notWith: ['chen@example.org', OLD, 'dana@example.org'] }),
      );

    // Act
    const result = await change();

    // Assess
    expect(result.notWithUpdated).toBe(1);
    expect(addresses.member('draft-r', bashir)?.notWith).toEqual([
      'chen@example.org',
      NEW,
      'dana@example.org',
    ]);
    expect(addresses.member('running-r', bashir)?.notWith).toEqual([
      'chen@example.org',
      OLD,
      'dana@example.org',
    ]);
  });

  it('refuses a change larger than one transaction, and changes nothing', async () => {
    // 3 items (two locks and the profile) + 98 memberships: one more than a transaction takes.
    const { addresses, id, change } = setUp(
      Array.from({ length: 98 }, (_, i) => roundOf(`draft-${i}`, 'draft')),
    );

    const error = await change().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AddressChangeTooLarge);
    expect(error).toMatchObject({ items: 101 });
    expect(await addresses.participantIdOf(OLD)).toBe(id);
    expect(addresses.member('draft-0', id)?.email).toBe(OLD);
  });
});
