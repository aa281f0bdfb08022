import { expect, it } from 'vitest';
import { DynamoRelayLane } from '#adapters/dynamo-relay-lane';
import { LANE_OPEN_MS, LANE_SETTLE_MS } from '#core/sending-plan';
import type { RelayLane } from '#ports/relay-lane';
import { InMemoryRelayLane } from '../unit/use-cases/fakes.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';

const NOW = new Date('2027-03-01T09:00:00.000Z');
const SPACING_MS = 1_025;
const at = (ms: number) => new Date(NOW.getTime() + ms);

describeContract<RelayLane>(
  'RelayLane',
  {
    InMemoryRelayLane: () => new InMemoryRelayLane(),
    DynamoRelayLane: onDynamoDbLocal((db, tableName) => new DynamoRelayLane(tableName, db)),
  },
  (make) => {
    it('is closed until a relay takes a slot', async () => {
      const lane = await make();

      expect(await lane.isOpen(NOW)).toBe(false);
    });

    it('opens on the first slot, which waits until every sender has made room', async () => {
      const lane = await make();

      const first = await lane.takeSlot(NOW, SPACING_MS);

      expect(first).toEqual(at(LANE_SETTLE_MS));
      expect(await lane.isOpen(at(1))).toBe(true);
    });

    it('spaces the slots of an open lane, whoever takes them, and stays open after the last', async () => {
      const lane = await make();
      await lane.takeSlot(NOW, SPACING_MS);

      const slots = await Promise.all([1, 2, 3].map(() => lane.takeSlot(at(10), SPACING_MS)));

      expect(slots.map((slot) => slot.getTime() - NOW.getTime()).sort((a, b) => a - b)).toEqual([
        LANE_SETTLE_MS + SPACING_MS,
        LANE_SETTLE_MS + 2 * SPACING_MS,
        LANE_SETTLE_MS + 3 * SPACING_MS,
      ]);
    });

    it('closes LANE_OPEN_MS after its last slot, and opens anew with a wait', async () => {
      const lane = await make();
      const last = await lane.takeSlot(NOW, SPACING_MS);
      const after = last.getTime() - NOW.getTime() + LANE_OPEN_MS + 1;

      const closed = await lane.isOpen(at(after));
      const reopened = await lane.takeSlot(at(after), SPACING_MS);

      expect(closed).toBe(false);
      expect(reopened).toEqual(at(after + LANE_SETTLE_MS));
    });
  },
);
