import { expect, it } from 'vitest';
import { DynamoSendLedger } from '#adapters/dynamo-ledger';
import { DynamoLedgerReader } from '#adapters/dynamo-ledger-reader';
import { StoredItemInvalid } from '#ports/errors';
import type { LedgerReader } from '#ports/ledger-reader';
import type { LedgerKey, SendLedger } from '#ports/store';
import { participantId } from '../unit/core/fixtures.ts';
import { InMemoryLedger, recordSent } from '../unit/use-cases/fakes.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';

/** The reader, and the send ledger that writes what it reads, on one table. */
interface Subject {
  reader: LedgerReader;
  ledger: SendLedger;
}

const ROUND = 'spring-2025';
const LEASE_MS = 60_000;
const at = (time: string) => new Date(`2025-03-03T${time}Z`);
const mail = (kind: string, ref: string, to: string, roundId = ROUND): LedgerKey => ({
  roundId,
  kind,
  ref,
  participantId: to === 'coordinator' ? to : participantId(to),
});

/** A mail claimed at `claimed` and accepted by SES at `sent`, as a sender records it. */
const send = (ledger: SendLedger, key: LedgerKey, claimed: string, sent: string) =>
  recordSent(ledger, key, at(claimed), at(sent));

describeContract<Subject>(
  'LedgerReader',
  {
    InMemoryLedger: () => {
      const ledger = new InMemoryLedger();
      return { reader: ledger, ledger };
    },
    DynamoLedgerReader: onDynamoDbLocal((db, tableName) => ({
      reader: new DynamoLedgerReader(tableName, db),
      ledger: new DynamoSendLedger(tableName, db),
    })),
  },
  (make) => {
    it('reads nothing back for a round without mail', async () => {
      const { reader } = await make();

      expect(await reader.ledger(ROUND)).toEqual({
        sent: [],
        mails: { sent: 0, deferred: 0, failed: 0, inFlight: 0 },
      });
      expect(await reader.sentSince(ROUND)).toEqual([]);
    });

    it("counts the round's rows by state, and lists the sent ones in the ledger's order with when SES accepted them", async () => {
      // Prepare: sent in another order than the ledger's; a relay's ref holds a `#`.
      const { reader, ledger } = await make();
      await send(ledger, mail('topic', '02', 'ben'), '09:00:00', '09:00:01');
      await send(ledger, mail('relay', 'abc#def', 'carla'), '09:01:00', '09:01:01');
      await send(ledger, mail('intro', '00', 'aroha'), '09:02:00', '09:02:01');
      await send(ledger, mail('digest', '2025-03-03', 'coordinator'), '09:03:00', '09:03:01');
      await send(ledger, mail('intro', '00', 'aroha', 'autumn-2025'), '09:04:00', '09:04:01');
      await ledger.deferUnclaimed(mail('topic', '02', 'dev'), at('09:05:00'), {
        reason: 'daily-quota',
        until: at('23:59:59'),
      });
      await ledger.claim(mail('topic', '02', 'emi'), at('09:06:00'), LEASE_MS);
      await ledger.claim(mail('topic', '02', 'fay'), at('09:07:00'), LEASE_MS);
      await ledger.fail(mail('topic', '02', 'fay'), at('09:07:01'), 'MessageRejected');

      // Act
      const read = await reader.ledger(ROUND);

      // Assess
      expect(read.mails).toEqual({ sent: 4, deferred: 1, failed: 1, inFlight: 1 });
      expect(read.sent).toEqual([
        {
          kind: 'digest',
          ref: '2025-03-03',
          participantId: 'coordinator',
          sentAt: '2025-03-03T09:03:01.000Z',
        },
        {
          kind: 'intro',
          ref: '00',
          participantId: participantId('aroha'),
          sentAt: '2025-03-03T09:02:01.000Z',
        },
        {
          kind: 'relay',
          ref: 'abc#def',
          participantId: participantId('carla'),
          sentAt: '2025-03-03T09:01:01.000Z',
        },
        { kind: 'topic', ref: '02', participantId: participantId('ben'), sentAt: '2025-03-03T09:00:01.000Z' },
      ]);
    });

    it('lists the mails SES accepted after an instant, each with when its sender claimed it', async () => {
      // Prepare
      const { reader, ledger } = await make();
      await send(ledger, mail('topic', '01', 'aroha'), '09:00:00', '09:01:00');
      await send(ledger, mail('topic', '01', 'ben'), '10:00:00', '10:02:00');
      await ledger.claim(mail('topic', '01', 'carla'), at('10:03:00'), LEASE_MS);

      // Act
      const since = await reader.sentSince(ROUND, '2025-03-03T09:01:00.000Z');
      const all = await reader.sentSince(ROUND);

      // Assess: strictly after; a mail still being sent is not listed.
      expect(since).toEqual([
        {
          kind: 'topic',
          ref: '01',
          participantId: participantId('ben'),
          claimedAt: '2025-03-03T10:00:00.000Z',
          sentAt: '2025-03-03T10:02:00.000Z',
        },
      ]);
      expect(all.map((row) => row.participantId)).toEqual([participantId('aroha'), participantId('ben')]);
    });

    it('reads the rows a batch recorded together as it reads those recorded one by one', async () => {
      // Prepare: 30 mails claimed, then recorded in one call (more than one BatchWriteItem holds).
      const { reader, ledger } = await make();
      const keys = Array.from({ length: 30 }, (_, i) =>
        mail('topic', '01', `person${'abcdefghijklmnopqrstuvwxyz2345'[i]}`),
      );
      for (const key of keys) await ledger.claim(key, at('09:00:00'), LEASE_MS);

      // Act
      await ledger.markSentMany(
        keys.map((key, i) => ({
          key,
          claimedAt: at('09:00:00'),
          sentAt: at('09:00:05'),
          messageId: `ses-${i}`,
        })),
      );

      // Assess
      const read = await reader.ledger(ROUND);
      expect(read.mails).toEqual({ sent: 30, deferred: 0, failed: 0, inFlight: 0 });
      expect(await reader.sentSince(ROUND)).toContainEqual({
        kind: 'topic',
        ref: '01',
        participantId: participantId('personh'),
        claimedAt: '2025-03-03T09:00:00.000Z',
        sentAt: '2025-03-03T09:00:05.000Z',
      });
      expect(await ledger.claim(keys[29] as LedgerKey, at('10:00:00'), LEASE_MS)).toBe('already-sent');
    });

    it('refuses to read a sent row that was never claimed: no sender writes one', async () => {
      const { reader, ledger } = await make();
      await ledger.markSent(mail('topic', '01', 'aroha'), at('09:00:00'), 'ses-1');

      await expect(reader.ledger(ROUND)).rejects.toBeInstanceOf(StoredItemInvalid);
      await expect(reader.sentSince(ROUND)).rejects.toBeInstanceOf(StoredItemInvalid);
    });
  },
);
