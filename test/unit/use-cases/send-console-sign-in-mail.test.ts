import { describe, expect, it } from 'vitest';
import { composeConsoleSignInMail } from '#core/compose-console-sign-in';
import { signInLinkToken } from '#core/console/sign-in';
import type { ConsoleSignInJob } from '#core/model';
import { sendQueued } from '../../../functions/use-cases/send-mail.ts';
import { testKeys } from '../core/fixtures.ts';
import { InMemoryConsoleAuth } from './fake-console.ts';
import { InMemoryLedger } from './fakes.ts';
import { aSender, SENDER_SETTINGS } from './sender-fixture.ts';

const NOW = '2027-03-01T09:00:00.000Z';
const EXPIRES = new Date('2027-03-01T09:15:00.000Z');
const LINK_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** The send queue's use case with a waiting sign-in link of the chief coordinator's, the real composer. */
const setUp = async () => {
  const links = new InMemoryConsoleAuth();
  const { deps, ledger, mailer, clock } = aSender(NOW, {
    consoleSignIn: {
      links,
      keys: testKeys,
      compose: (input) => composeConsoleSignInMail({ ...input, settings: SENDER_SETTINGS }),
    },
  });
  const token = signInLinkToken({ id: LINK_ID, expiresAt: EXPIRES }, testKeys);
  await links.saveSignInLink(token, {
    email: 'chief@tandem.example',
    createdAt: clock.now(),
    expiresAt: EXPIRES,
  });
  const job: ConsoleSignInJob = {
    v: 1,
    kind: 'console-sign-in',
    linkId: LINK_ID,
    expiresAt: EXPIRES.getTime() / 1000,
  };
  return { deps, job, token, links, ledger, mailer, clock };
};

describe('sending a console sign-in link', () => {
  it('makes the link’s token again from the job, and sends it to the stored address once', async () => {
    // Prepare
    const { deps, job, token, ledger, mailer } = await setUp();

    // Act
    const first = await sendQueued(deps, job);
    const again = await sendQueued(deps, job);

    // Assess
    expect(first).toEqual({ outcome: 'sent', messageId: 'ses-1' });
    expect(again).toEqual({ outcome: 'duplicate' });
    expect(mailer.accepted.map((m) => [m.to, m.tags])).toEqual([
      [['chief@tandem.example'], { kind: 'console-sign-in' }],
    ]);
    expect(mailer.accepted[0]?.text).toContain(`https://tandem.example/console/sign-in/${token}`);
    const key = { roundId: 'CONSOLE', kind: 'console-sign-in', ref: LINK_ID, participantId: 'coordinator' };
    expect(ledger.rows.get(InMemoryLedger.id(key))?.status).toBe('SENT');
  });

  it('skips a link used before its mail went out', async () => {
    // Prepare
    const { deps, job, token, links, mailer, clock } = await setUp();
    await links.consumeSignInLink(token, clock.now());

    // Act
    const outcome = await sendQueued(deps, job);

    // Assess
    expect(outcome).toEqual({ outcome: 'skipped', reason: 'sign-in-link-gone' });
    expect(mailer.attempts).toEqual([]);
  });

  it('skips a link that expired before its mail went out', async () => {
    // Prepare
    const { deps, job, mailer, clock } = await setUp();
    clock.advance(15 * 60_000);

    // Act
    const outcome = await sendQueued(deps, job);

    // Assess
    expect(outcome).toEqual({ outcome: 'skipped', reason: 'sign-in-link-gone' });
    expect(mailer.attempts).toEqual([]);
  });

  it('skips a job whose link is not stored: its id and expiry make no stored link’s token', async () => {
    // Prepare
    const { deps, job, mailer } = await setUp();

    // Act
    const outcome = await sendQueued(deps, { ...job, linkId: 'BBBBBBBBBBBBBBBBBBBBBB' });

    // Assess
    expect(outcome).toEqual({ outcome: 'skipped', reason: 'sign-in-link-gone' });
    expect(mailer.attempts).toEqual([]);
  });
});
