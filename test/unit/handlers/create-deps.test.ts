import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { DepsContext } from '#handlers/runtime';
import { type FunctionName, functionDefs } from '#infra/wiring';
import { VirtualClock } from '#local/clock';
import { clients } from '../aws-clients.ts';
import { testKeys } from '../core/fixtures.ts';

const root = resolve(import.meta.dirname, '../../..');

/** Every variable any function takes, as the local stack passes them: each function parses its own. */
const env = {
  TABLE_NAME: 'tandem-test',
  SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/tandem-send',
  MAIL_FROM: 'rounds@tandem.example',
  COORDINATOR_EMAIL: 'coordinator@tandem.example',
  COORDINATORS: 'coordinator@tandem.example',
  REPLY_DOMAIN: 'reply.tandem.example',
  LINKS_BASE_URL: 'https://links.tandem.example/',
  SES_CONFIGURATION_SET: 'tandem-rounds',
  // Given, so that building the sender asks SES nothing.
  SES_MAX_SEND_RATE: '10',
  SIGNING_KEYS: JSON.stringify({ current: testKeys.current, ...testKeys.keys }),
  RAW_MAIL_BUCKET: 'tandem-inbound',
  EVENT_BUS_NAME: 'tandem',
  ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:tandem-alerts',
};

const handlerModule = async (name: FunctionName) =>
  (await import(pathToFileURL(resolve(root, functionDefs[name].entry)).href)) as {
    createDeps(context: DepsContext): Promise<unknown>;
  };

/**
 * Puts a recorder in place of `process.env` for the rest of the test: every variable read, and every
 * write. The SDK reads a few of its own settings from there when a client is made; what matters is
 * that no function's variable is read there and nothing is written.
 */
const watchProcessEnv = () => {
  const real = process.env;
  const reads = new Set<string>();
  const writes: string[] = [];
  process.env = new Proxy(real, {
    get: (target, key, receiver) => {
      if (typeof key === 'string') reads.add(key);
      return Reflect.get(target, key, receiver);
    },
    set: (target, key, value) => {
      writes.push(String(key));
      return Reflect.set(target, key, value);
    },
    defineProperty: (target, key, descriptor) => {
      writes.push(String(key));
      return Reflect.defineProperty(target, key, descriptor);
    },
    deleteProperty: (target, key) => {
      writes.push(String(key));
      return Reflect.deleteProperty(target, key);
    },
  });
  restore = () => {
    process.env = real;
  };
  return { reads, writes };
};
let restore = () => {};

afterEach(() => restore());

describe("each handler module's createDeps", () => {
  it.each(Object.keys(functionDefs) as FunctionName[])(
    '%s builds from the environment record it is given, without reading or writing process.env',
    async (name) => {
      // Prepare
      const { createDeps } = await handlerModule(name);
      const processEnv = watchProcessEnv();

      // Act
      const deps = await createDeps({ env, clients, clock: new VirtualClock('2025-03-17T12:00:00Z') });

      // Assess
      expect(deps).toBeTypeOf('object');
      expect(processEnv.writes).toEqual([]);
      expect([...processEnv.reads].filter((key) => key in env)).toEqual([]);
    },
  );

  it('names the variable its record lacks', async () => {
    // Prepare
    const { createDeps } = await handlerModule('launchRound');
    const { TABLE_NAME: _missing, ...withoutTable } = env;

    // Act
    const attempt = createDeps({
      env: withoutTable,
      clients,
      clock: new VirtualClock('2025-03-17T12:00:00Z'),
    });

    // Assess
    await expect(attempt).rejects.toThrow(/^invalid environment: TABLE_NAME: /);
  });
});
