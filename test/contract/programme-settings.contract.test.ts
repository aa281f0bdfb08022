import { expect, it } from 'vitest';
import { DynamoStore } from '#adapters/dynamo-store';
import type { ProgrammeSettings } from '#core/programme';
import type { RoundStore } from '#ports/store';
import { aRound } from '../unit/core/fixtures.ts';
import { InMemoryLifecycle } from '../unit/use-cases/fake-lifecycle.ts';
import { InMemoryStore } from '../unit/use-cases/fakes.ts';
import { describeContract, onDynamoDbLocal } from './harness.ts';

const nurses: ProgrammeSettings = {
  name: 'Nurses Connect',
  audience: { en: 'nurses and midwives', es: 'profesionales de enfermería', pt: 'enfermeiros' },
  senderName: { fr: 'Infirmières en réseau' },
  signOff: 'Ana, for the Nurses Connect team',
  replyHelp: 'Questions about the programme? Write to nurses@example.org.',
};

describeContract<
  Pick<RoundStore, 'getProgrammeSettings' | 'setProgrammeSettings' | 'createRound' | 'getRound'>
>(
  'ProgrammeSettings',
  {
    InMemoryStore: () => new InMemoryStore(),
    InMemoryLifecycle: () => new InMemoryLifecycle(),
    DynamoStore: onDynamoDbLocal((db, tableName) => new DynamoStore(tableName, db)),
  },
  (make) => {
    it('has no settings until they are set', async () => {
      const store = await make();

      expect(await store.getProgrammeSettings()).toBeUndefined();
    });

    it('reads back the settings it stored, each field as one text or by language', async () => {
      const store = await make();

      await store.setProgrammeSettings(nurses);

      expect(await store.getProgrammeSettings()).toEqual(nurses);
    });

    it('replaces the stored settings whole, an empty set included', async () => {
      const store = await make();
      await store.setProgrammeSettings(nurses);

      await store.setProgrammeSettings({ signOff: 'The team' });
      const replaced = await store.getProgrammeSettings();
      await store.setProgrammeSettings({});

      expect(replaced).toEqual({ signOff: 'The team' });
      expect(await store.getProgrammeSettings()).toEqual({});
    });

    it('hands out a copy: changing what was read or written changes nothing stored', async () => {
      const store = await make();
      const settings: ProgrammeSettings = { name: 'Nurses Connect', audience: { en: 'nurses' } };
      await store.setProgrammeSettings(settings);

      (settings.audience as Record<string, string>).en = 'changed';
      const read = await store.getProgrammeSettings();
      if (read) read.name = 'changed too';

      expect(await store.getProgrammeSettings()).toEqual({
        name: 'Nurses Connect',
        audience: { en: 'nurses' },
      });
    });

    it("keeps a round's own settings with the round", async () => {
      const store = await make();
      const round = aRound({ id: 'spring-2027', status: 'draft', programme: nurses });

      await store.createRound(round);

      expect(await store.getRound('spring-2027')).toEqual(round);
    });
  },
);
