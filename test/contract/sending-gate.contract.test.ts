import { expect, it } from 'vitest';
import { DynamoSendingGate } from '#adapters/dynamo-sending-gate';
import type { SendingGate } from '#ports/sending-gate';
import { InMemorySendingGate } from '../unit/use-cases/fakes.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';

const NOW = new Date('2025-03-17T09:05:00.000Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

describeContract<SendingGate>(
  'SendingGate',
  {
    InMemorySendingGate: () => new InMemorySendingGate(),
    DynamoSendingGate: onDynamoDbLocal((db, tableName) => new DynamoSendingGate(tableName, db)),
  },
  (make) => {
    it('holds nothing back before any pause', async () => {
      const gate = await make();

      expect(await gate.holding(NOW)).toBeUndefined();
      expect(await gate.current()).toBeUndefined();
    });

    it('begins a pause that holds sending back until its end, and is still recorded after', async () => {
      const gate = await make();

      expect(await gate.pause('daily-quota', NOW, at(60))).toBe(true);

      const pause = { reason: 'daily-quota', since: NOW, until: at(60) };
      expect(await gate.holding(at(1))).toEqual(pause);
      expect(await gate.holding(at(60))).toBeUndefined();
      expect(await gate.current()).toEqual(pause);
    });

    it('extends a pause refused again, keeping when it began, and never shortens it', async () => {
      const gate = await make();
      await gate.pause('daily-quota', NOW, at(60));

      expect(await gate.pause('sending-paused', at(61), at(120))).toBe(false);
      expect(await gate.pause('daily-quota', at(62), at(90))).toBe(false);

      expect(await gate.current()).toEqual({ reason: 'sending-paused', since: NOW, until: at(120) });
    });

    it('ends the pause when a mail is accepted, so the next refusal begins a new one', async () => {
      const gate = await make();
      await gate.pause('daily-quota', NOW, at(60));
      await gate.holding(at(61));

      await gate.resumed(at(61), at(61));

      expect(await gate.current()).toBeUndefined();
      expect(await gate.holding(at(62))).toBeUndefined();
      expect(await gate.pause('sending-paused', at(70), at(80))).toBe(true);
      expect(await gate.current()).toEqual({ reason: 'sending-paused', since: at(70), until: at(80) });
    });

    it('keeps the pause when the accepted mail was on its way before the pause began', async () => {
      // A concurrent send, sent just before another's refusal paused sending, is answered after it.
      const gate = await make();
      await gate.pause('daily-quota', at(10), at(60));
      await gate.holding(at(11));

      await gate.resumed(at(11), at(10));
      await gate.resumed(at(11), at(9));

      expect(await gate.current()).toEqual({ reason: 'daily-quota', since: at(10), until: at(60) });
    });

    it('records nothing when a mail is accepted while sending is not paused', async () => {
      const gate = await make();

      await gate.resumed(NOW, NOW);

      expect(await gate.current()).toBeUndefined();
    });
  },
);
