import { describe, expect, it } from 'vitest';
import { newRound } from '#core/coordinator/new-round';
import type { ProgrammeSettings } from '#core/programme';
import { createRound } from '../../../../functions/use-cases/coordinator/create-round.ts';
import { InMemoryLifecycle } from '../fake-lifecycle.ts';
import { InMemoryStore } from '../fakes.ts';

const spring = newRound({ id: 'spring', startDate: '2027-03-01', weeks: 16 });

const stage: ProgrammeSettings = {
  name: 'Nurses Connect',
  audience: { en: 'nurses and midwives', es: 'profesionales de enfermería' },
  signOff: 'The Nurses Connect team',
};

describe("createRound and the programme's settings", () => {
  it("keeps the stage's settings in the round it creates", async () => {
    // Prepare
    const store = new InMemoryStore();
    await store.setProgrammeSettings(stage);

    // Act
    const created = await createRound({ rounds: store }, spring);

    // Assess
    expect(created).toEqual({ ...spring, programme: stage });
    expect(await store.getRound('spring')).toEqual({ ...spring, programme: stage });
  });

  it("puts the round's own settings on top of the stage's, field by field", async () => {
    // Prepare
    const store = new InMemoryLifecycle();
    await store.setProgrammeSettings(stage);

    // Act
    const created = await createRound({ rounds: store }, spring, [], {
      programme: { audience: 'community nurses', replyHelp: 'Questions? Write to ana@example.org.' },
    });

    // Assess
    expect(created.programme).toEqual({
      name: 'Nurses Connect',
      audience: 'community nurses',
      signOff: 'The Nurses Connect team',
      replyHelp: 'Questions? Write to ana@example.org.',
    });
  });

  it("leaves a round created before the stage's settings change as it was", async () => {
    // Prepare
    const store = new InMemoryStore();
    await store.setProgrammeSettings(stage);
    await createRound({ rounds: store }, spring);

    // Act
    await store.setProgrammeSettings({ name: 'Midwives Together' });

    // Assess
    expect((await store.getRound('spring'))?.programme).toEqual(stage);
  });

  it('gives the round no settings when neither the stage nor the round has any', async () => {
    // Prepare
    const store = new InMemoryStore();

    // Act
    const created = await createRound({ rounds: store }, spring, [], { programme: {} });

    // Assess
    expect(created).toEqual(spring);
    expect(await store.getRound('spring')).not.toHaveProperty('programme');
  });
});
