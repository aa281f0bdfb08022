import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoStore } from '#adapters/dynamo-store';
import type { Profile } from '#core/model';
import { ConcurrentChange } from '#ports/errors';
import { clients } from '../aws-clients.ts';
import { aParticipant, participantId } from '../core/fixtures.ts';
import { RecordingClock } from '../use-cases/fakes.ts';

const db = mockClient(DynamoDBDocumentClient);
const TABLE = 'tandem-test';
const EXISTING_ID = participantId('aroha');
const NEW_ID = participantId('fresh');

const aProfile = (overrides: Partial<Profile> = {}): Profile => ({
  email: 'aroha@example.org',
  name: 'Aroha Ngata',
  country: 'NZ',
  languages: ['en', 'mi'],
  timezone: 'Pacific/Auckland',
  organisation: 'Auckland Libraries',
  sector: 'public',
  careerStage: 'mid',
  interests: ['outreach'],
  notWith: ['bob@example.org'],
  notes: { pronouns: 'she/her' },
  ...overrides,
});

/** Answers an UpdateCommand the way DynamoDB would for a stored profile: ALL_NEW attributes. */
const storedAfter = (input: UpdateCommandInput, profile: Profile) => {
  const removed = /REMOVE (.*)$/.exec(input.UpdateExpression ?? '')?.[1]?.split(', ') ?? [];
  const attributes: Record<string, unknown> = {
    pk: `PARTICIPANT#${EXISTING_ID}`,
    sk: 'PROFILE',
    v: 1,
    ...profile,
    id: EXISTING_ID,
    status: 'active',
  };
  for (const ref of removed) delete attributes[input.ExpressionAttributeNames?.[ref] ?? ref];
  return { Attributes: attributes };
};

/** Every `:value` the update expression refers to, with the value it is given. */
const referencedValues = (input: UpdateCommandInput | undefined) =>
  [...(input?.UpdateExpression ?? '').matchAll(/:\w+/g)].map(([ref]) => [
    ref,
    input?.ExpressionAttributeValues?.[ref],
  ]);

describe('DynamoStore.upsertParticipant', () => {
  beforeEach(() => {
    db.reset();
  });

  it('registers a new address with its not-with list and notes, in one transaction with the email lock', async () => {
    // Prepare
    db.on(GetCommand).resolves({});
    db.on(TransactWriteCommand).resolves({});
    const newId = vi.fn(() => NEW_ID);

    // Act
    const participant = await new DynamoStore(TABLE, clients.document).upsertParticipant(aProfile(), newId);

    // Assess
    expect(db.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'EMAIL#aroha@example.org', sk: 'EMAIL' },
      ConsistentRead: true,
    });
    const [lock, profile] = db.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(lock?.Put).toMatchObject({
      Item: { pk: 'EMAIL#aroha@example.org', participantId: NEW_ID },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(profile?.Put?.Item).toMatchObject({
      pk: `PARTICIPANT#${NEW_ID}`,
      sk: 'PROFILE',
      notWith: ['bob@example.org'],
      notes: { pronouns: 'she/her' },
      status: 'active',
    });
    expect(participant).toMatchObject({
      id: NEW_ID,
      notWith: ['bob@example.org'],
      notes: { pronouns: 'she/her' },
    });
    expect(newId).toHaveBeenCalledOnce();
  });

  describe('when a registration of the same address races this one', () => {
    const cancelled = () =>
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      });
    /** A store whose waits go on a virtual clock, each at its ceiling (the largest jitter). */
    const storeWith = (clock: RecordingClock) =>
      new DynamoStore(TABLE, clients.document, {
        clock,
        random: () => 0.999_999,
        policy: { attempts: 4, baseMs: 50, maxMs: 1000 },
      });

    it("reads and updates the winner's participant on the next attempt, after a wait", async () => {
      // Prepare: the lookup is empty, the transaction is cancelled, then the winner's lookup is there.
      db.on(GetCommand)
        .resolvesOnce({})
        .resolves({ Item: { pk: 'EMAIL#aroha@example.org', sk: 'EMAIL', participantId: EXISTING_ID } });
      db.on(TransactWriteCommand).rejects(cancelled());
      db.on(UpdateCommand).callsFake((input: UpdateCommandInput) => storedAfter(input, aProfile()));
      const clock = new RecordingClock('2025-03-17T09:00:00Z');

      // Act
      const participant = await storeWith(clock).upsertParticipant(aProfile(), () => NEW_ID);

      // Assess
      expect(participant.id).toBe(EXISTING_ID);
      expect(db.commandCalls(TransactWriteCommand)).toHaveLength(1);
      expect(clock.sleeps).toEqual([50]);
    });

    it('gives up after the last attempt, having waited longer each time, with ConcurrentChange', async () => {
      // Prepare: every transaction is cancelled.
      db.on(GetCommand).resolves({});
      db.on(TransactWriteCommand).rejects(cancelled());
      const clock = new RecordingClock('2025-03-17T09:00:00Z');

      // Act
      const error = await storeWith(clock)
        .upsertParticipant(aProfile(), () => NEW_ID)
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(ConcurrentChange);
      expect(error).toMatchObject({ message: 'aroha@example.org was registered meanwhile' });
      expect(db.commandCalls(TransactWriteCommand)).toHaveLength(4);
      expect(clock.sleeps).toEqual([50, 100, 200]);
    });

    it('lets any other error through at once', async () => {
      db.on(GetCommand).resolves({});
      db.on(TransactWriteCommand).rejects(new Error('AccessDeniedException'));
      const clock = new RecordingClock('2025-03-17T09:00:00Z');

      await expect(storeWith(clock).upsertParticipant(aProfile(), () => NEW_ID)).rejects.toThrow(
        'AccessDeniedException',
      );
      expect(clock.sleeps).toEqual([]);
    });
  });

  it('keeps the id of an address registered before and never draws a new one', async () => {
    // Prepare
    db.on(GetCommand).resolves({
      Item: { pk: 'EMAIL#aroha@example.org', sk: 'EMAIL', participantId: EXISTING_ID },
    });
    db.on(UpdateCommand).callsFake((input: UpdateCommandInput) => storedAfter(input, aProfile()));
    const newId = vi.fn(() => NEW_ID);

    // Act
    const participant = await new DynamoStore(TABLE, clients.document).upsertParticipant(aProfile(), newId);

    // Assess
    expect(participant.id).toBe(EXISTING_ID);
    expect(newId).not.toHaveBeenCalled();
    expect(db.commandCalls(TransactWriteCommand)).toHaveLength(0);
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.Key).toEqual({ pk: `PARTICIPANT#${EXISTING_ID}`, sk: 'PROFILE' });
    expect(input?.ConditionExpression).toBe('attribute_exists(pk)');
  });

  it('refers to every attribute it writes by a placeholder, since name and timezone are reserved words', async () => {
    // Prepare
    db.on(GetCommand).resolves({ Item: { participantId: EXISTING_ID } });
    db.on(UpdateCommand).callsFake((input: UpdateCommandInput) => storedAfter(input, aProfile()));

    // Act
    await new DynamoStore(TABLE, clients.document).upsertParticipant(aProfile(), () => NEW_ID);

    // Assess
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    const paths = (input?.UpdateExpression ?? '')
      .replace(/^SET /, '')
      .split(/, | REMOVE /)
      .map((clause) => clause.split(' = ')[0]);
    expect(paths.every((path) => path?.startsWith('#'))).toBe(true);
    expect(paths.map((path) => input?.ExpressionAttributeNames?.[path as string])).toEqual([
      'name',
      'country',
      'languages',
      'timezone',
      'organisation',
      'sector',
      'careerStage',
      'interests',
      'notWith',
      'notes',
    ]);
  });

  it("updates an existing participant's not-with list and notes with the rest of the profile", async () => {
    // Prepare
    const profile = aProfile({
      notWith: ['cee@example.org'],
      notes: { pronouns: 'they/them', team: 'Outreach' },
    });
    db.on(GetCommand).resolves({ Item: { participantId: EXISTING_ID } });
    db.on(UpdateCommand).callsFake((input: UpdateCommandInput) => storedAfter(input, profile));

    // Act
    const participant = await new DynamoStore(TABLE, clients.document).upsertParticipant(
      profile,
      () => NEW_ID,
    );

    // Assess
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toContain('#notWith = :notWith');
    expect(input?.UpdateExpression).toContain('#notes = :notes');
    expect(input?.UpdateExpression).not.toContain('REMOVE');
    expect(input?.ExpressionAttributeNames).toMatchObject({ '#notWith': 'notWith', '#notes': 'notes' });
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':notWith': ['cee@example.org'],
      ':notes': { pronouns: 'they/them', team: 'Outreach' },
    });
    expect(participant).toMatchObject({ notWith: ['cee@example.org'], notes: { team: 'Outreach' } });
  });

  it('removes a not-with list and notes that the newer registration leaves out', async () => {
    // Prepare
    const profile = aProfile({ notWith: undefined, notes: undefined });
    db.on(GetCommand).resolves({ Item: { participantId: EXISTING_ID } });
    db.on(UpdateCommand).callsFake((input: UpdateCommandInput) => storedAfter(input, profile));

    // Act
    const participant = await new DynamoStore(TABLE, clients.document).upsertParticipant(
      profile,
      () => NEW_ID,
    );

    // Assess: DynamoDB refuses an expression that refers to a value the document client dropped.
    const input = db.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toMatch(/ REMOVE #notWith, #notes$/);
    expect(referencedValues(input).filter(([, value]) => value === undefined)).toEqual([]);
    expect(Object.keys(input?.ExpressionAttributeValues ?? {})).not.toContain(':notes');
    expect(participant).not.toHaveProperty('notes');
    expect(participant).not.toHaveProperty('notWith');
  });
});

describe('DynamoStore.addMember', () => {
  beforeEach(() => {
    db.reset();
  });

  it('writes the member under the round and participant id, so registering again replaces it', async () => {
    // Prepare
    db.on(PutCommand).resolves({});
    const participant = aParticipant({
      seed: 'aroha',
      notWith: ['bob@example.org'],
      notes: { pronouns: 'she/her' },
    });

    // Act
    await new DynamoStore(TABLE, clients.document).addMember('spring-2026', participant);
    await new DynamoStore(TABLE, clients.document).addMember('spring-2026', participant);

    // Assess
    const [first, second] = db.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(first?.Item).toMatchObject({
      pk: 'ROUND#spring-2026',
      sk: `MEMBER#${EXISTING_ID}`,
      roundId: 'spring-2026',
      notWith: ['bob@example.org'],
      notes: { pronouns: 'she/her' },
      partnerIds: [],
    });
    expect(second?.Item?.sk).toBe(first?.Item?.sk);
    expect(first?.ConditionExpression).toBe('attribute_not_exists(partnershipId)');
  });
});
