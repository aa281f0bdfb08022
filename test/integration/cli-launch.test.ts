import { describe, expect, it } from 'vitest';
import { Round } from '#core/model';
import { clockNow, DAY, mailsTo, seedRound, settle, store, tandem } from './support.ts';

const startTomorrow = async () => new Date((await clockNow()).getTime() + DAY).toISOString().slice(0, 10);

describe('tandem round launch', () => {
  it('launches a matched round and prints the event as JSON', async () => {
    const { emails } = await seedRound('it-cli', 6);

    const result = await tandem('round', 'launch', 'it-cli', '--json');
    await settle();

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      roundId: 'it-cli',
      status: 'launch-requested',
      eventId: expect.any(String),
    });
    expect(await mailsTo(emails)).toHaveLength(6);
  });

  it.each([
    ['draft', 'it-cli-draft'],
    ['closed', 'it-cli-closed'],
  ] as const)('refuses a %s round with exit code 1 and changes nothing', async (status, roundId) => {
    await store.createRound(
      Round.parse({
        id: roundId,
        name: roundId,
        startDate: await startTomorrow(),
        weeks: 16,
        topicDays: [0],
        status,
      }),
    );

    const result = await tandem('round', 'launch', roundId);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`round ${roundId} is ${status}: only a matched round can be launched`);
    expect((await store.getRound(roundId))?.status).toBe(status);
  });

  it('refuses a round that is already running', async () => {
    const result = await tandem('round', 'launch', 'it-cli');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('round it-cli is running');
  });

  it('refuses a round that does not exist', async () => {
    const result = await tandem('round', 'launch', 'no-such-round');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('round no-such-round does not exist');
  });

  it('rejects a malformed round id with exit code 2, naming it', async () => {
    const result = await tandem('round', 'launch', 'Not A Round');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('roundId "Not A Round"');
  });
});
