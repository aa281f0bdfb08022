import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { expect, it } from 'vitest';
import { DynamoInboundLedger } from '#adapters/dynamo-inbound-ledger';
import { DynamoPersonalData } from '#adapters/dynamo-personal-data';
import { keys } from '#adapters/table-design';
import type { Alert, Member } from '#core/model';
import type { Arrival } from '#ports/inbound-ledger';
import type { AnonymousFields, PersonalDataStore } from '#ports/personal-data';
import {
  aMember,
  aParticipant,
  aRound,
  participantId,
  partnered,
  partnershipId,
} from '../unit/core/fixtures.ts';
import { partnershipOf } from '../unit/use-cases/fake-actions.ts';
import { InMemoryPersonalData, type StoredLedgerRow } from '../unit/use-cases/fake-personal-data.ts';
import { InMemoryStore } from '../unit/use-cases/fakes.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';
import { type Stored, storeItems } from './stored-items.ts';

/** What a person's data is made of: the items of the table, ledger rows, arrivals and automatic answers. */
interface PersonStored extends Stored {
  ledger?: StoredLedgerRow[];
  arrivals?: Arrival[];
  answers?: { sender: string; day: string }[];
}

interface Subject {
  personalData: PersonalDataStore;
  store(stored: PersonStored): Promise<void>;
}

const AT = '2025-10-01T10:00:00.000Z';
const ana = participantId('ana');
const ben = participantId('ben');
const relay = (pid: string) => `r-autumn.${pid}.1abcdefghij@reply.tandem.example`;
const anArrival = (mailId: string, receivedAt: string, mailFrom: string, recipients: string[]): Arrival => ({
  mailId,
  receivedAt,
  envelope: { mailFrom, recipients },
  verdicts: { spam: 'PASS', virus: 'PASS', dmarc: 'PASS' },
});
const anonymous: AnonymousFields = {
  email: `forgotten-${ana}@invalid`,
  name: 'Forgotten',
  organisation: '',
  interests: [],
  languages: ['en'],
  timezone: 'UTC',
};

/**
 * Ana registered, a member of a closed spring round and of a running autumn round in
 * which she is partnered with Ben; what the table holds about her, and about Ben alone.
 */
const anasData = (): PersonStored => {
  const [anaAutumn, benAutumn] = partnered('pair', [
    aMember({ seed: 'ana', roundId: 'autumn', notes: { pronouns: 'she/her' }, notWith: ['cy@example.org'] }),
    aMember({ seed: 'ben', roundId: 'autumn' }),
  ]) as [Member, Member];
  const alert = (kind: Alert['kind'], ref: string, participantIds: string[]): Alert => ({
    roundId: 'autumn',
    kind,
    ref,
    raisedAt: AT,
    participantIds,
  });
  return {
    rounds: [
      aRound({ id: 'autumn', status: 'running', startDate: '2025-09-01' }),
      aRound({ id: 'spring', status: 'closed', startDate: '2025-03-03' }),
      aRound({ id: 'winter', status: 'draft', startDate: '2025-12-01' }),
    ],
    participants: [
      aParticipant({ seed: 'ana', notes: { pronouns: 'she/her' } }),
      aParticipant({ seed: 'ben' }),
    ],
    members: [anaAutumn, benAutumn, aMember({ seed: 'ana', roundId: 'spring' })],
    partnerships: [{ ...partnershipOf([anaAutumn, benAutumn]), explanation: 'both like makerspaces' }],
    alerts: [
      alert('unsubscribe', ana, [ana]),
      alert('at-risk', `${partnershipId('pair')}#${ana}`, []),
      alert('bounce', ben, [ben]),
    ],
    ledger: [
      {
        roundId: 'autumn',
        kind: 'intro',
        ref: '00',
        participantId: ana,
        status: 'SENT',
        claimedAt: AT,
        sentAt: AT,
        messageId: 'ses-1',
      },
      { roundId: 'autumn', kind: 'partner-left', ref: ben, participantId: ana, status: 'DEFERRED' },
      {
        roundId: 'autumn',
        kind: 'intro',
        ref: '00',
        participantId: ben,
        status: 'SENT',
        claimedAt: AT,
        sentAt: AT,
      },
    ],
    arrivals: [
      anArrival('m2', '2025-09-12T08:00:00.000Z', 'Ana@Example.org', [relay(ben)]),
      anArrival('m1', '2025-09-10T08:00:00.000Z', 'someone@else.example', [relay(ana)]),
      anArrival('m3', '2025-09-11T08:00:00.000Z', 'ben@example.org', [relay(ben)]),
    ],
    answers: [
      { sender: 'ana@example.org', day: '2025-09-12' },
      { sender: 'ana@example.org', day: '2025-09-10' },
      { sender: 'ben@example.org', day: '2025-09-11' },
    ],
  };
};

describeContract<Subject>(
  'PersonalDataStore',
  {
    InMemoryPersonalData: () => {
      const store = new InMemoryStore();
      const data = new InMemoryPersonalData(store);
      return {
        personalData: data,
        store: async (stored) => {
          store.seed(stored);
          for (const p of stored.participants ?? []) {
            data.emails.set(p.email.toLowerCase(), p.id);
            data.profiles.set(p.id, { v: 1, ...p });
          }
          data.partnershipItems.push(...(stored.partnerships ?? []).map((p) => ({ v: 1, ...p })));
          data.alertItems.push(...(stored.alerts ?? []));
          data.ledgerRows.push(...(stored.ledger ?? []));
          data.arrivalItems.push(...(stored.arrivals ?? []));
          for (const { sender, day } of stored.answers ?? []) {
            data.answers.set(sender, [...(data.answers.get(sender) ?? []), day]);
          }
        },
      };
    },
    DynamoPersonalData: onDynamoDbLocal((db, tableName) => ({
      personalData: new DynamoPersonalData(tableName, db),
      store: async (stored) => {
        await storeItems(db, tableName, stored);
        const put = (Item: Record<string, unknown>) =>
          db.send(new PutCommand({ TableName: tableName, Item }));
        for (const { roundId, kind, ref, participantId: to, ...row } of stored.ledger ?? []) {
          await put({ ...keys.ledger(roundId, kind, ref, to), v: 1, ...row });
        }
        const inbound = new DynamoInboundLedger(tableName, db);
        for (const arrival of stored.arrivals ?? []) await inbound.recordArrival(arrival);
        for (const { sender, day } of stored.answers ?? [])
          await put({ ...keys.automaticAnswer(sender, day), v: 1 });
      },
    })),
  },
  (make) => {
    it('finds whom an address is registered to, in any case, and their profile as stored', async () => {
      const { personalData, store } = await make();
      await store(anasData());

      expect(await personalData.participantIdOf('ANA@example.org')).toBe(ana);
      expect(await personalData.participantIdOf('cy@example.org')).toBeUndefined();
      expect(await personalData.profile(ana)).toEqual({
        v: 1,
        ...aParticipant({ seed: 'ana', notes: { pronouns: 'she/her' } }),
      });
      expect(await personalData.profile(participantId('cy'))).toBeUndefined();
    });

    it('finds every round the person is a member of, whatever its status, by start date', async () => {
      const { personalData, store } = await make();
      await store(anasData());

      const memberships = await personalData.memberships(ana);

      expect(memberships.map((m) => [m.round.id, m.member.roundId, m.member.id])).toEqual([
        ['spring', 'spring', ana],
        ['autumn', 'autumn', ana],
      ]);
    });

    it('finds the partnerships, alerts and ledger rows of a round that concern the person, and no others', async () => {
      const { personalData, store } = await make();
      await store(anasData());

      expect((await personalData.partnerships('autumn', ana)).map((p) => p.members)).toEqual([[ana, ben]]);
      expect(await personalData.partnerships('spring', ana)).toEqual([]);
      expect((await personalData.alerts('autumn', ana)).map((a) => a.kind).sort()).toEqual([
        'at-risk',
        'unsubscribe',
      ]);
      expect(await personalData.ledger('autumn', ana)).toEqual([
        {
          roundId: 'autumn',
          kind: 'intro',
          ref: '00',
          status: 'SENT',
          claimedAt: AT,
          sentAt: AT,
          messageId: 'ses-1',
        },
        { roundId: 'autumn', kind: 'partner-left', ref: ben, status: 'DEFERRED' },
      ]);
    });

    it('finds the mails from the address (in any case) or to the person’s relay address, by arrival', async () => {
      const { personalData, store } = await make();
      await store(anasData());

      const arrivals = await personalData.arrivals('ana@example.org', ana);

      expect(arrivals.map((a) => a.mailId)).toEqual(['m1', 'm2']);
    });

    it('finds the days the address was answered automatically, in order', async () => {
      const { personalData, store } = await make();
      await store(anasData());

      expect(await personalData.automaticAnswers('Ana@example.org')).toEqual(['2025-09-10', '2025-09-12']);
    });

    it('anonymises a member and a profile: the personal fields replaced, notes and not-with gone', async () => {
      const { personalData, store } = await make();
      await store(anasData());

      await personalData.anonymiseMember('autumn', ana, anonymous, AT);
      await personalData.anonymiseProfile(ana, anonymous, AT);

      const autumn = (await personalData.memberships(ana)).find((m) => m.round.id === 'autumn')?.member;
      const profile = await personalData.profile(ana);
      for (const item of [autumn, profile]) {
        expect(item).toMatchObject({ ...anonymous, country: 'NZ', forgottenAt: AT });
        expect(item).not.toHaveProperty('notes');
        expect(item).not.toHaveProperty('notWith');
      }
    });

    it('keeps the first time a person was forgotten when run again', async () => {
      const { personalData, store } = await make();
      await store(anasData());
      await personalData.anonymiseProfile(ana, anonymous, AT);

      await personalData.anonymiseProfile(ana, anonymous, '2025-10-02T10:00:00.000Z');

      expect(await personalData.profile(ana)).toMatchObject({ forgottenAt: AT });
    });

    it('creates nothing when what it would anonymise is gone already', async () => {
      const { personalData, store } = await make();
      await store(anasData());

      await personalData.anonymiseMember('winter', ana, anonymous, AT);
      await personalData.anonymiseProfile(participantId('cy'), anonymous, AT);
      await personalData.removeExplanation('spring', participantId('gone'));
      await personalData.anonymiseArrival('m9', AT);

      expect((await personalData.memberships(ana)).map((m) => m.round.id)).toEqual(['spring', 'autumn']);
      expect(await personalData.profile(participantId('cy'))).toBeUndefined();
      expect(await personalData.partnerships('spring', participantId('gone'))).toEqual([]);
      expect((await personalData.arrivals('ana@example.org', ana)).map((a) => a.mailId)).toEqual([
        'm1',
        'm2',
      ]);
    });

    it('removes the explanation of a partnership, and the envelope addresses of an arrival', async () => {
      const { personalData, store } = await make();
      await store(anasData());

      await personalData.removeExplanation('autumn', partnershipId('pair'));
      await personalData.anonymiseArrival('m2', AT);

      expect((await personalData.partnerships('autumn', ana))[0]).not.toHaveProperty('explanation');
      // Without its sender, the arrival is no longer Ana's.
      expect((await personalData.arrivals('ana@example.org', ana)).map((a) => a.mailId)).toEqual(['m1']);
    });

    it('deletes the arrival index of the person only: their mails are no longer found, others’ still are', async () => {
      const { personalData, store } = await make();
      await store(anasData());

      await personalData.deleteArrivalIndex('Ana@example.org', ana);
      // Again, as a run that stopped half-way is repeated: what is gone stays gone.
      await personalData.deleteArrivalIndex('Ana@example.org', ana);

      expect(await personalData.arrivals('ana@example.org', ana)).toEqual([]);
      // Ana wrote m2 to Ben's relay address: it stays his to find.
      expect((await personalData.arrivals('ben@example.org', ben)).map((a) => a.mailId)).toEqual([
        'm3',
        'm2',
      ]);
    });

    it('deletes the automatic answers of the days given, and no others', async () => {
      const { personalData, store } = await make();
      await store(anasData());

      await personalData.deleteAutomaticAnswers('ana@example.org', ['2025-09-10']);

      expect(await personalData.automaticAnswers('ana@example.org')).toEqual(['2025-09-12']);
      expect(await personalData.automaticAnswers('ben@example.org')).toEqual(['2025-09-11']);
    });

    it('deletes an email lookup only while it names the person', async () => {
      const { personalData, store } = await make();
      await store(anasData());

      await personalData.deleteEmail('ben@example.org', ana);
      await personalData.deleteEmail('ana@example.org', ana);

      expect(await personalData.participantIdOf('ben@example.org')).toBe(ben);
      expect(await personalData.participantIdOf('ana@example.org')).toBeUndefined();
    });
  },
);
