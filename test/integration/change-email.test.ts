import { beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '#core/model';
import {
  advance,
  DAY,
  launch,
  mailsTo,
  outbox,
  roundState,
  type SentMail,
  seedRound,
  sentMails,
  settle,
  tandem,
  write,
} from './support.ts';

const ROUND = 'it-email';
const NEW = 'it-email.moved@new.example.net';

/** The mails to `emails` the outbox did not hold at `before`. */
const since = async (before: SentMail[], emails: string[]) => {
  const seen = new Set(before.map((mail) => mail.messageId));
  return (await mailsTo(emails)).filter((mail) => !seen.has(mail.messageId));
};

describe('tandem participants change-email on the local stack', () => {
  let mover: Member;
  let partner: Member;
  let other: Member;

  beforeAll(async () => {
    // Starting in two days, topic 1 falls due after the change in every time zone.
    await seedRound(ROUND, 4, 2);
    await launch(ROUND);
    await settle();
    const { members } = await roundState(ROUND);
    mover = members.find((m) => m.partnershipId) as Member;
    partner = members.find((m) => m.id === mover.partnerIds[0]) as Member;
    other = members.find((m) => m.id !== mover.id && m.id !== partner.id) as Member;
  });

  it('refuses a new address that belongs to someone else, an unknown old address and a malformed one', async () => {
    const taken = await tandem('participants', 'change-email', mover.email, other.email);
    const unknown = await tandem('participants', 'change-email', 'nobody@example.net', NEW);
    const malformed = await tandem('participants', 'change-email', mover.email, 'moved@');

    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain(`${other.email} is already registered to another participant`);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nobody is registered with nobody@example.net');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('<new>: "moved@" is not an email address');
    expect((await roundState(ROUND)).members.find((m) => m.id === mover.id)?.email).toBe(mover.email);
  });

  it('relays replies from the new address and sends the next topic there, and nothing more to the old one', async () => {
    // Prepare
    const before = await outbox();

    // Act
    const changed = await tandem('participants', 'change-email', mover.email.toUpperCase(), NEW, '--json');
    await write(ROUND, mover.id, NEW, 'Writing from my new address now.');
    await write(ROUND, partner.id, partner.email, 'Noted, I will write to you there.');
    for (let day = 0; day < 4; day++) await advance(DAY);

    // Assess
    expect(changed.code).toBe(0);
    expect(JSON.parse(changed.stdout)).toEqual({
      participantId: mover.id,
      from: mover.email,
      to: NEW,
      changed: true,
      rounds: [{ roundId: ROUND, roundStatus: 'running', status: 'active', reactivated: false }],
      profileReactivated: false,
      notWithUpdated: 0,
    });
    const toPartner = await since(before, [partner.email]);
    expect(toPartner.map((mail) => mail.body.text).join('\n')).toContain('Writing from my new address now.');
    const toNew = await since(before, [NEW]);
    expect(toNew.map((mail) => mail.body.text).join('\n')).toContain('Noted, I will write to you there.');
    expect(toNew.map((mail) => mail.subject)).toContainEqual(expect.stringMatching(/^Tandem topic 1 of 8/));
    expect(await since(before, [mover.email])).toEqual([]);
    const topics = (await sentMails(ROUND)).filter(
      (row) => row.kind === 'topic' && row.participantId === mover.id,
    );
    expect(topics.map((row) => row.ref)).toEqual(['01']);
  });

  it('has nothing to do when given the same address twice', async () => {
    const same = await tandem('participants', 'change-email', NEW, ` ${NEW.toUpperCase()} `);

    expect(same.code).toBe(0);
    expect(same.stdout).toContain('are the same address');
  });
});
