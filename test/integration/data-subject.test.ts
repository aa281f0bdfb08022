import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#adapters/table-design';
import type { Member } from '#core/model';
import { localNames } from '#local/config';
import type { PersonalDataExport } from '../../functions/use-cases/coordinator/export-participant.ts';
import { clients, launch, roundState, seedRound, settle, stackEnv, store, tandem, write } from './support.ts';

const ROUND = 'it-data-subject';
const rawMailDir = stackEnv.RAW_MAIL_DIR as string;

const item = async (key: { pk: string; sk: string }) =>
  (
    await clients.document.send(
      new GetCommand({ TableName: localNames.tableName, Key: key, ConsistentRead: true }),
    )
  ).Item;

/** `tandem round status --json` without the clock reading, which is all that may differ between two runs. */
const statusFigures = async () => {
  const { code, stdout, stderr } = await tandem('round', 'status', ROUND, '--json');
  expect(code, stderr).toBe(0);
  const { asOf: _asOf, ...figures } = JSON.parse(stdout);
  return figures;
};

describe('data-subject requests on the local stack', () => {
  let ana: Member;
  let partner: Member;
  let exported: PersonalDataExport;
  /** The round's figures once she is forgotten. */
  let figures: unknown;

  beforeAll(async () => {
    await seedRound(ROUND, 6);
    await launch(ROUND);
    await settle();
    const { members } = await roundState(ROUND);
    ana = members.find((m) => m.partnershipId) as Member;
    partner = members.find((m) => m.id === ana.partnerIds[0]) as Member;
    // A reply that is relayed, then STOP: she has left the round and asks to be forgotten.
    await write(ROUND, ana.id, ana.email, 'Hello from the other side of the world!');
    await write(ROUND, ana.id, ana.email, 'STOP');
  });

  it('exports everything stored about her as one JSON document, partners by id only', async () => {
    // Act
    const { code, stdout, stderr } = await tandem('participants', 'export', ana.email.toUpperCase());

    // Assess
    expect(code, stderr).toBe(0);
    exported = JSON.parse(stdout);
    expect(exported).toMatchObject({ email: ana.email, participantId: ana.id });
    expect(exported.profile).toMatchObject({
      id: ana.id,
      name: ana.name,
      email: ana.email,
      country: ana.country,
    });
    expect(exported.memberships).toEqual([
      expect.objectContaining({
        roundId: ROUND,
        roundStatus: 'running',
        name: ana.name,
        status: 'unsubscribed',
      }),
    ]);
    expect(exported.partnerships).toEqual([
      expect.objectContaining({ roundId: ROUND, partnershipId: ana.partnershipId, partnerIds: [partner.id] }),
    ]);
    expect(exported.mails).toContainEqual(
      expect.objectContaining({ roundId: ROUND, kind: 'intro', status: 'SENT', sentAt: expect.any(String) }),
    );
    expect(exported.alerts).toContainEqual(expect.objectContaining({ kind: 'unsubscribe', ref: ana.id }));
    expect(exported.inboundMails).toHaveLength(2);
    for (const mail of exported.inboundMails) {
      expect(mail.envelope.mailFrom).toBe(ana.email);
      expect(existsSync(join(rawMailDir, mail.mailId))).toBe(true);
    }
    // Nothing of the partner but their id.
    expect(stdout).not.toContain(partner.email);
    expect(stdout).not.toContain(partner.name);
  });

  it('refuses to forget without --yes when nobody can confirm, and changes nothing', async () => {
    // Act
    const { code, stdout, stderr } = await tandem('participants', 'forget', ana.email);

    // Assess
    expect(code).toBe(1);
    expect(stdout).toContain(`Forgetting ${ana.email}`);
    expect(stdout).toContain('deletes 2 raw mails');
    expect(stderr).toContain('add --yes');
    expect(await item(keys.email(ana.email))).toMatchObject({ participantId: ana.id });
  });

  it('forgets her: profile, member item, email lookup, arrivals and raw mail, with the round figures unchanged', async () => {
    // Prepare
    const before = await statusFigures();

    // Act
    const { code, stdout, stderr } = await tandem('participants', 'forget', ana.email, '--yes', '--json');

    // Assess
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      forgotten: true,
      participantId: ana.id,
      inboundMails: expect.any(Array),
    });
    expect(await item(keys.email(ana.email))).toBeUndefined();
    const anonymous = {
      email: `${ana.id}@forgotten.invalid`,
      name: 'your partner',
      organisation: '',
      interests: [],
    };
    const profile = await item(keys.participant(ana.id));
    expect(profile).toMatchObject({ ...anonymous, country: ana.country, forgottenAt: expect.any(String) });
    expect(profile).not.toHaveProperty('notes');
    expect(profile).not.toHaveProperty('notWith');
    const member = await item(keys.member(ROUND, ana.id));
    expect(member).toMatchObject({ ...anonymous, status: 'unsubscribed', partnershipId: ana.partnershipId });
    for (const mail of exported.inboundMails) {
      expect(existsSync(join(rawMailDir, mail.mailId))).toBe(false);
      expect((await item(keys.arrival(mail.mailId)))?.envelope).toEqual({ mailFrom: '', recipients: [] });
    }
    const after = JSON.stringify(await item(keys.participant(ana.id))) + JSON.stringify(member);
    expect(after).not.toContain(ana.email);
    expect(after).not.toContain(ana.name);
    figures = await statusFigures();
    expect(figures).toEqual(before);
    // The lifecycle and the report still read her member item.
    expect((await roundState(ROUND)).members.find((m) => m.id === ana.id)?.status).toBe('unsubscribed');
  });

  it('is harmless the second time: the address is unknown, nothing changes', async () => {
    // Act
    const forget = await tandem('participants', 'forget', ana.email, '--yes');
    const exportAgain = await tandem('participants', 'export', ana.email);

    // Assess
    expect(forget.code).toBe(1);
    expect(forget.stderr).toContain(`nobody is registered with ${ana.email}`);
    expect(exportAgain.code).toBe(1);
    expect(await statusFigures()).toEqual(figures);
  });

  it('registers her afresh, under a new participant id, when her address is imported again', async () => {
    // Act
    const again = await store.upsertParticipant(
      {
        email: ana.email,
        name: ana.name,
        country: ana.country,
        languages: ana.languages,
        timezone: ana.timezone,
        organisation: ana.organisation,
        sector: ana.sector,
        careerStage: ana.careerStage,
        interests: ana.interests,
      },
      () => 'pfreshstartaa',
    );
    await settle();

    // Assess
    expect(again.id).toBe('pfreshstartaa');
    expect(await item(keys.email(ana.email))).toMatchObject({ participantId: 'pfreshstartaa' });
    expect(await item(keys.participant(ana.id))).toMatchObject({ email: `${ana.id}@forgotten.invalid` });
  });
});
