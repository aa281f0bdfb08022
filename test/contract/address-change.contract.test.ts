import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect, it } from 'vitest';
import { DynamoAddressChange } from '#adapters/dynamo-address-change';
import type { Member, Participant, Round } from '#core/model';
import {
  type AddressChangeStore,
  AddressChangeTooLarge,
  type AddressMove,
  type AddressOwner,
} from '#ports/address-change';
import { AlreadyTaken, ConcurrentChange } from '#ports/errors';
import { aMember, aParticipant, aRound, participantId } from '../unit/core/fixtures.ts';
import { InMemoryAddressChange } from '../unit/use-cases/fake-address-change.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';
import { storeItems } from './stored-items.ts';

/** The port, and how a test stores what it starts from (as registration, round creation and import do). */
interface Subject {
  addresses: AddressChangeStore;
  register(participant: Participant): Promise<void>;
  addRound(round: Round): Promise<void>;
  addMember(member: Member): Promise<void>;
}

const inMemory = (): Subject => {
  const addresses = new InMemoryAddressChange();
  return {
    addresses,
    register: async (participant) => addresses.register(participant),
    addRound: async (round) => addresses.addRound(round),
    addMember: async (member) => addresses.addMember(member),
  };
};

/** The items as DynamoStore writes them (its item version is 1). */
const onTable = (db: DynamoDBDocumentClient, tableName: string): Subject => {
  return {
    addresses: new DynamoAddressChange(tableName, db),
    register: (participant) => storeItems(db, tableName, { participants: [participant] }),
    addRound: (round) => storeItems(db, tableName, { rounds: [round] }),
    addMember: (member) => storeItems(db, tableName, { members: [member] }),
  };
};

const AT = '2025-05-01T10:00:00.000Z';
const OLD = 'ana@old.example.org';
const NEW = 'ana@new.example.org';
const ana = participantId('ana');
const bo = participantId('bo');

const running = aRound({ id: 'spring', status: 'running' });
const draft = aRound({ id: 'autumn', status: 'draft' });

/** Ana (OLD, her profile suppressed) in a running and a draft round; Bo in both, naming OLD in the draft one. */
const arrange = async (subject: Subject) => {
  await subject.register(aParticipant({ seed: 'ana', email: OLD, status: 'suppressed' }));
  await subject.register(aParticipant({ seed: 'bo' }));
  for (const round of [running, draft]) await subject.addRound(round);
  await subject.addMember(aMember({ seed: 'ana', email: OLD, roundId: 'spring' }));
  await subject.addMember(
    aMember({ seed: 'ana', email: OLD, roundId: 'autumn', status: 'suppressed', suppressedReason: 'bounce' }),
  );
  await subject.addMember(aMember({ seed: 'bo', roundId: 'spring' }));
  await subject.addMember(aMember({ seed: 'bo', roundId: 'autumn', notWith: [OLD, 'x@example.org', OLD] }));
};

const theMove = (overrides: Partial<AddressMove> = {}): AddressMove => ({
  participantId: ana,
  from: OLD,
  to: NEW,
  at: AT,
  reactivateProfile: true,
  memberships: [
    { roundId: 'spring', reactivate: false },
    { roundId: 'autumn', reactivate: true },
  ],
  notWith: [{ roundId: 'autumn', participantId: bo, indexes: [0, 2] }],
  ...overrides,
});

const byRound = (owner: AddressOwner | undefined) =>
  owner && {
    ...owner,
    memberships: [...owner.memberships].sort((a, b) => a.round.id.localeCompare(b.round.id)),
  };

/** What the port says of Ana and of Bo's not-with list: equal before and after a refused move. */
const snapshot = async ({ addresses }: Subject) => ({
  old: await addresses.participantIdOf(OLD),
  new: await addresses.participantIdOf(NEW),
  owner: byRound(await addresses.owner(ana)),
  notWith: await addresses.notWithEntries('autumn', OLD),
});

describeContract<Subject>(
  'AddressChangeStore',
  {
    InMemoryAddressChange: inMemory,
    DynamoAddressChange: onDynamoDbLocal(onTable),
  },
  (make) => {
    it('finds who holds an address, and nobody for an address not registered', async () => {
      const subject = await make();
      await arrange(subject);

      expect(await subject.addresses.participantIdOf(OLD)).toBe(ana);
      expect(await subject.addresses.participantIdOf(NEW)).toBeUndefined();
    });

    it('reads the profile and the member item of every round the person is in, and no owner without a profile', async () => {
      const subject = await make();
      await arrange(subject);
      await subject.addRound(aRound({ id: 'other', status: 'closed' }));

      const owner = byRound(await subject.addresses.owner(ana));

      expect(owner).toMatchObject({ participantId: ana, email: OLD, status: 'suppressed' });
      expect(owner?.memberships.map(({ round, member }) => [round.id, round.status, member.status])).toEqual([
        ['autumn', 'draft', 'suppressed'],
        ['spring', 'running', 'active'],
      ]);
      expect(await subject.addresses.owner(participantId('nobody'))).toBeUndefined();
    });

    it('finds the members whose not-with list names the address, at every place it is named', async () => {
      const subject = await make();
      await arrange(subject);

      expect(await subject.addresses.notWithEntries('autumn', OLD)).toEqual([
        { roundId: 'autumn', participantId: bo, indexes: [0, 2] },
      ]);
      expect(await subject.addresses.notWithEntries('spring', OLD)).toEqual([]);
    });

    it('moves the locks, the profile, the members and the not-with entries, reactivating what it was told to', async () => {
      // Prepare
      const subject = await make();
      await arrange(subject);

      // Act
      await subject.addresses.move(theMove());

      // Assess
      const { addresses } = subject;
      expect(await addresses.participantIdOf(NEW)).toBe(ana);
      expect(await addresses.participantIdOf(OLD)).toBeUndefined();
      const owner = byRound(await addresses.owner(ana));
      expect(owner).toMatchObject({ email: NEW, status: 'active' });
      const [autumn, spring] = owner?.memberships.map((m) => m.member) ?? [];
      expect(spring).toMatchObject({ email: NEW, status: 'active' });
      expect(autumn).toMatchObject({ email: NEW, status: 'active', statusChangedAt: AT });
      expect(autumn?.suppressedReason).toBeUndefined();
      expect(await addresses.notWithEntries('autumn', OLD)).toEqual([]);
      expect(await addresses.notWithEntries('autumn', NEW)).toEqual([
        { roundId: 'autumn', participantId: bo, indexes: [0, 2] },
      ]);
    });

    it('refuses a new address registered to anyone, and changes nothing', async () => {
      const subject = await make();
      await arrange(subject);
      const before = await snapshot(subject);

      const error = await subject.addresses
        .move(theMove({ to: aParticipant({ seed: 'bo' }).email }))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AlreadyTaken);
      expect(await snapshot(subject)).toEqual(before);
    });

    it('refuses with a concurrent change when a member no longer holds what the move was planned from', async () => {
      const subject = await make();
      await arrange(subject);
      const before = await snapshot(subject);

      // Ana's member in spring is active, not suppressed: someone changed it after it was read.
      const error = await subject.addresses
        .move(theMove({ memberships: [{ roundId: 'spring', reactivate: true }] }))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ConcurrentChange);
      expect(await snapshot(subject)).toEqual(before);
    });

    it('refuses with a concurrent change when the old address is no longer theirs, or a not-with entry moved', async () => {
      const subject = await make();
      await arrange(subject);
      const before = await snapshot(subject);

      const notTheirs = await subject.addresses
        .move(theMove({ participantId: bo, memberships: [], notWith: [] }))
        .catch((e: unknown) => e);
      const moved = await subject.addresses
        .move(theMove({ notWith: [{ roundId: 'autumn', participantId: bo, indexes: [1] }] }))
        .catch((e: unknown) => e);
      const noMember = await subject.addresses
        .move(theMove({ memberships: [{ roundId: 'nowhere', reactivate: false }] }))
        .catch((e: unknown) => e);

      expect([notTheirs, moved, noMember].map((e) => (e as Error).name)).toEqual([
        'ConcurrentChange',
        'ConcurrentChange',
        'ConcurrentChange',
      ]);
      expect(await snapshot(subject)).toEqual(before);
    });

    it('refuses a move of more items than one transaction takes, and changes nothing', async () => {
      const subject = await make();
      await arrange(subject);
      const before = await snapshot(subject);
      const memberships = Array.from({ length: 98 }, (_, i) => ({ roundId: `r${i}`, reactivate: false }));

      const error = await subject.addresses
        .move(theMove({ memberships, notWith: [] }))
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(AddressChangeTooLarge);
      expect(await snapshot(subject)).toEqual(before);
    });
  },
);
