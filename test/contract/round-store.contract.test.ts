import { expect, it } from 'vitest';
import { DynamoStore } from '#adapters/dynamo-store';
import type { Round } from '#core/model';
import { AlreadyTaken } from '#ports/errors';
import { type RoundStore, TransitionRejected } from '#ports/store';
import { aRound } from '../unit/core/fixtures.ts';
import { aRoundTopic } from '../unit/core/topics/round-topic-fixture.ts';
import { InMemoryLifecycle } from '../unit/use-cases/fake-lifecycle.ts';
import { InMemoryStore } from '../unit/use-cases/fakes.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';

const draft = (id: string, overrides: Partial<Round> = {}) => aRound({ id, status: 'draft', ...overrides });

describeContract<RoundStore>(
  'RoundStore',
  {
    InMemoryStore: () => new InMemoryStore(),
    InMemoryLifecycle: () => new InMemoryLifecycle(),
    DynamoStore: onDynamoDbLocal((db, tableName) => new DynamoStore(tableName, db)),
  },
  (make) => {
    it('reads back the round it created, and nothing for a round never created', async () => {
      const rounds = await make();

      await rounds.createRound(draft('spring-2025'));

      expect(await rounds.getRound('spring-2025')).toEqual(draft('spring-2025'));
      expect(await rounds.getRound('autumn-2025')).toBeUndefined();
    });

    it('refuses to create a round whose id is taken, keeping the first', async () => {
      const rounds = await make();
      await rounds.createRound(draft('spring-2025'));

      const attempt = rounds.createRound(draft('spring-2025', { name: 'Another' }));

      await expect(attempt).rejects.toBeInstanceOf(AlreadyTaken);
      await expect(attempt).rejects.toMatchObject({ what: 'round', value: 'spring-2025' });
      expect((await rounds.getRound('spring-2025'))?.name).toBe('Spring 2025');
    });

    it('stores a round with its own topics together with them, and reads them back by number', async () => {
      const rounds = await make();
      const own = draft('own-2025', { ownTopics: 2, topicDays: [0, 14] });
      const topics = [aRoundTopic('own-2025', 1, { es: 'Uno', fr: 'Un' }), aRoundTopic('own-2025', 2)];

      await rounds.createRound(own, topics);

      expect(await rounds.getRound('own-2025')).toEqual(own);
      expect(await rounds.getRoundTopics('own-2025')).toEqual(topics);
      expect(await rounds.getRoundTopics('spring-2025')).toEqual([]);
    });

    it('has no topics of its own for a round created without them', async () => {
      const rounds = await make();

      await rounds.createRound(draft('spring-2025'));

      expect(await rounds.getRoundTopics('spring-2025')).toEqual([]);
    });

    it('refuses a round with topics whose id is taken, keeping the first round and its topics', async () => {
      const rounds = await make();
      const first = [aRoundTopic('own-2025', 1, { en: 'First' })];
      await rounds.createRound(draft('own-2025', { ownTopics: 1 }), first);
      await rounds.createRound(draft('spring-2025'));

      const again = rounds.createRound(draft('own-2025', { ownTopics: 1, name: 'Another' }), [
        aRoundTopic('own-2025', 1, { en: 'Edited' }),
      ]);
      const overDefault = rounds.createRound(draft('spring-2025', { ownTopics: 1 }), [
        aRoundTopic('spring-2025', 1),
      ]);

      await expect(again).rejects.toBeInstanceOf(AlreadyTaken);
      await expect(again).rejects.toMatchObject({ what: 'round', value: 'own-2025' });
      await expect(overDefault).rejects.toBeInstanceOf(AlreadyTaken);
      expect((await rounds.getRound('own-2025'))?.name).toBe('Spring 2025');
      expect(await rounds.getRoundTopics('own-2025')).toEqual(first);
      expect(await rounds.getRoundTopics('spring-2025')).toEqual([]);
      expect(await rounds.getRound('spring-2025')).not.toHaveProperty('ownTopics');
    });

    it('moves a round from the status it is in, with the fields given', async () => {
      const rounds = await make();
      await rounds.createRound(draft('spring-2025'));

      await rounds.transitionRound('spring-2025', 'draft', 'matched', { launchEventId: 'event-1' });

      expect(await rounds.getRound('spring-2025')).toEqual({
        ...draft('spring-2025'),
        status: 'matched',
        launchEventId: 'event-1',
      });
    });

    it('leaves a field the transition passes as undefined as it was', async () => {
      const rounds = await make();
      await rounds.createRound(draft('spring-2025', { launchEventId: 'event-1' }));

      await rounds.transitionRound('spring-2025', 'draft', 'matched', { launchEventId: undefined });

      expect((await rounds.getRound('spring-2025'))?.launchEventId).toBe('event-1');
    });

    it('refuses a transition from a status the round is not in, or of a round that does not exist', async () => {
      const rounds = await make();
      await rounds.createRound(draft('spring-2025'));

      await expect(rounds.transitionRound('spring-2025', 'matched', 'running')).rejects.toBeInstanceOf(
        TransitionRejected,
      );
      await expect(rounds.transitionRound('autumn-2025', 'draft', 'matched')).rejects.toBeInstanceOf(
        TransitionRejected,
      );
      expect((await rounds.getRound('spring-2025'))?.status).toBe('draft');
      expect(await rounds.getRound('autumn-2025')).toBeUndefined();
    });

    it('lists the running rounds only, by id, following each transition', async () => {
      const rounds = await make();
      for (const id of ['spring-2025', 'autumn-2024', 'winter-2025']) await rounds.createRound(draft(id));
      for (const id of ['spring-2025', 'autumn-2024', 'winter-2025']) {
        await rounds.transitionRound(id, 'draft', 'running');
      }
      await rounds.transitionRound('winter-2025', 'running', 'closed');

      const running = await rounds.listRunningRounds();

      expect(running.map((r) => r.id)).toEqual(['autumn-2024', 'spring-2025']);
      expect(running[0]).toEqual({ ...draft('autumn-2024'), status: 'running' });
    });

    it('creates a round with registration closed unless it says otherwise', async () => {
      const rounds = await make();

      await rounds.createRound(draft('spring-2025'));

      expect((await rounds.getRound('spring-2025'))?.registration).toBe('closed');
    });

    it('opens registration of a draft round, and closes it again', async () => {
      const rounds = await make();
      await rounds.createRound(draft('spring-2025'));

      await rounds.setRegistration('spring-2025', 'open');
      const opened = await rounds.getRound('spring-2025');
      await rounds.setRegistration('spring-2025', 'closed');

      expect(opened).toEqual({ ...draft('spring-2025'), registration: 'open' });
      expect(await rounds.getRound('spring-2025')).toEqual(draft('spring-2025'));
    });

    it('opens registration only while the round is a draft, and of no round that does not exist', async () => {
      const rounds = await make();
      await rounds.createRound(draft('spring-2025', { status: 'matched' }));

      await expect(rounds.setRegistration('spring-2025', 'open')).rejects.toBeInstanceOf(TransitionRejected);
      await expect(rounds.setRegistration('autumn-2025', 'open')).rejects.toBeInstanceOf(TransitionRejected);
      await expect(rounds.setRegistration('autumn-2025', 'closed')).rejects.toBeInstanceOf(
        TransitionRejected,
      );
      expect((await rounds.getRound('spring-2025'))?.registration).toBe('closed');
      expect(await rounds.getRound('autumn-2025')).toBeUndefined();
    });

    it('closes registration of a round in any status', async () => {
      const rounds = await make();
      await rounds.createRound(draft('spring-2025', { status: 'running', registration: 'open' }));

      await rounds.setRegistration('spring-2025', 'closed');

      expect((await rounds.getRound('spring-2025'))?.registration).toBe('closed');
    });

    it('lists the drafts taking sign-ups, by id, and no round that takes none', async () => {
      const rounds = await make();
      await rounds.createRound(draft('spring-2027', { registration: 'open' }));
      await rounds.createRound(draft('autumn-2027', { registration: 'open' }));
      await rounds.createRound(draft('closed-draft'));
      await rounds.createRound(draft('matched-open', { status: 'matched', registration: 'open' }));
      await rounds.createRound(draft('running-open', { status: 'running', registration: 'open' }));

      const open = await rounds.listRoundsTakingSignUps();

      expect(open.map((r) => r.id)).toEqual(['autumn-2027', 'spring-2027']);
      expect(open[1]).toEqual(draft('spring-2027', { registration: 'open' }));
    });

    it('lists every round in every status, by id, as stored', async () => {
      const rounds = await make();
      await rounds.createRound(draft('spring-2027', { registration: 'open' }));
      await rounds.createRound(draft('autumn-2026', { status: 'running' }));
      await rounds.createRound(draft('winter-2026', { status: 'matched' }));
      await rounds.createRound(draft('autumn-2025', { status: 'closed' }));

      const all = await rounds.listRounds();

      expect(all.map((r) => [r.id, r.status])).toEqual([
        ['autumn-2025', 'closed'],
        ['autumn-2026', 'running'],
        ['spring-2027', 'draft'],
        ['winter-2026', 'matched'],
      ]);
      expect(all[2]).toEqual(draft('spring-2027', { registration: 'open' }));
    });

    it('follows registration and status changes in the rounds taking sign-ups', async () => {
      const rounds = await make();
      for (const id of ['spring-2027', 'autumn-2027', 'winter-2027']) await rounds.createRound(draft(id));

      await rounds.setRegistration('spring-2027', 'open');
      await rounds.setRegistration('autumn-2027', 'open');
      await rounds.setRegistration('winter-2027', 'open');
      await rounds.setRegistration('winter-2027', 'closed');
      await rounds.transitionRound('autumn-2027', 'draft', 'matched');

      expect((await rounds.listRoundsTakingSignUps()).map((r) => r.id)).toEqual(['spring-2027']);
    });

    it('moves the dispatch watermark only forward, and only on a stored round', async () => {
      const rounds = await make();
      await rounds.createRound(draft('spring-2025'));

      expect(await rounds.advanceDispatchedUntil('spring-2025', '2025-03-03T10:00:00.000Z')).toBe(true);
      expect(await rounds.advanceDispatchedUntil('spring-2025', '2025-03-03T11:00:00.000Z')).toBe(true);
      expect(await rounds.advanceDispatchedUntil('spring-2025', '2025-03-03T11:00:00.000Z')).toBe(false);
      expect(await rounds.advanceDispatchedUntil('spring-2025', '2025-03-03T09:00:00.000Z')).toBe(false);
      expect(await rounds.advanceDispatchedUntil('autumn-2025', '2025-03-03T12:00:00.000Z')).toBe(false);

      expect((await rounds.getRound('spring-2025'))?.dispatchedUntil).toBe('2025-03-03T11:00:00.000Z');
      expect(await rounds.getRound('autumn-2025')).toBeUndefined();
    });
  },
);
