import { describe, expect, it } from 'vitest';
import type { AwsClients } from '#adapters/aws-clients';
import { systemClock } from '#adapters/system-clock';
import { type DepsContext, lazyHandler } from '#handlers/runtime';

describe('lazyHandler', () => {
  it('builds the deps once, at the first invocation, from process.env, its own clients and the system clock', async () => {
    // Prepare
    const sqs = { name: 'the SQS client' } as unknown as AwsClients['sqs'];
    const made: DepsContext<'sqs'>[] = [];
    const handler = lazyHandler(
      async (context: DepsContext<'sqs'>) => {
        made.push(context);
        return { greeting: 'hello' };
      },
      (deps) => async (event: string) => `${deps.greeting} ${event}`,
      { sqs: () => sqs },
    );

    // Act
    const answers = [await handler('one'), await handler('two')];

    // Assess
    expect(answers).toEqual(['hello one', 'hello two']);
    expect(made).toHaveLength(1);
    expect(made[0]?.env).toBe(process.env);
    expect(made[0]?.clients.sqs).toBe(sqs);
    expect(made[0]?.clock).toBe(systemClock);
  });

  it('does not keep a failed cold start: the next invocation builds the deps again', async () => {
    // Prepare
    let attempts = 0;
    const handler = lazyHandler(
      async () => {
        attempts++;
        if (attempts === 1) throw new Error('secret unreadable');
        return {};
      },
      () => async () => 'handled',
      {},
    );

    // Act
    const first = handler(undefined);
    await expect(first).rejects.toThrow('secret unreadable');
    const second = await handler(undefined);

    // Assess
    expect(second).toBe('handled');
    expect(attempts).toBe(2);
  });
});
