import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Member } from '#core/model';
import { SIGN_UP_FIELDS, type SignUpField } from '#core/sign-up/form';
import { createDeps } from '#handlers/web';
import { VirtualClock } from '#local/clock';
import { confirmSignUp } from '../../functions/use-cases/sign-up/confirm-sign-up.ts';
import { submitSignUp } from '../../functions/use-cases/sign-up/submit-sign-up.ts';
import { clients, clockNow, DAY, roundState, settle, stackEnv, tandem } from './support.ts';

/**
 * `tandem match` on the local stack, over a round some joined by the coordinator's import and others by
 * confirming a sign-up (through the sign-up page's use cases, built as the web function builds them):
 * both kinds of member are matched alike, and a sign-up still pending is no member at all.
 */
const ROUND = 'it-match-join';

type Fields = Record<SignUpField, string>;

const person = (name: string, country: string, timezone: string, more: Partial<Fields> = {}): Fields => ({
  email: `mj.${name}@example.org`,
  name,
  country,
  languages: 'en',
  timezone,
  organisation: '',
  sector: 'public',
  career_stage: 'mid',
  interests: '',
  mail_language: '',
  ...more,
});

/**
 * Twins but for their addresses: one imported, one signed up. Only they and the two people from Namibia
 * speak Afrikaans, and those two are alike too, so each twin is partnered with one of them.
 */
const twin = {
  sector: 'national',
  career_stage: 'early',
  languages: 'af',
  interests: 'outreach; Reading clubs',
};
const TWIN_IMPORTED = person('twin-imported', 'ZA', 'Africa/Johannesburg', twin);
const TWIN_SIGNED = person('twin-signed', 'ZA', 'Africa/Johannesburg', twin);
const namibian = { sector: 'academic', career_stage: 'mid', languages: 'af', interests: 'outreach' };

const IMPORTED = [
  person('ana', 'NZ', 'Pacific/Auckland', { sector: 'academic', interests: 'outreach; metadata' }),
  person('ben', 'IN', 'Asia/Kolkata', { career_stage: 'early' }),
  person('cleo', 'BR', 'America/Sao_Paulo', { interests: 'outreach' }),
  person('dev', 'US', 'America/New_York', { sector: 'school' }),
  TWIN_IMPORTED,
  person('zak', 'NA', 'Africa/Windhoek', namibian),
  person('zia', 'NA', 'Africa/Windhoek', namibian),
];
const SIGNED_UP = [
  TWIN_SIGNED,
  person('eli', 'KE', 'Africa/Nairobi', { career_stage: 'senior' }),
  person('fay', 'FR', 'Europe/Paris', { sector: 'special', interests: 'metadata' }),
];
const PENDING = person('gus', 'JP', 'Asia/Tokyo');

interface MatchJson {
  pairs: string[][];
  triads: string[][];
  unmatched: string[];
  explanations: { members: string[]; weight: number; explanation: string }[];
}

let members: Member[];
let matched: MatchJson;
let stdout: string;
let weightOf: (a: string, b: string) => number | undefined;

beforeAll(async () => {
  const folder = await mkdtemp(join(tmpdir(), 'tandem-match-join-'));
  const start = new Date((await clockNow()).getTime() + 30 * DAY).toISOString().slice(0, 10);
  expect((await tandem('round', 'create', ROUND, '--start', start)).code).toBe(0);
  expect((await tandem('round', 'registration', ROUND, 'open', '--json')).code).toBe(0);

  // The coordinator's file.
  const file = join(folder, 'cohort.csv');
  await writeFile(file, stringify([SIGN_UP_FIELDS, ...IMPORTED.map((p) => SIGN_UP_FIELDS.map((f) => p[f]))]));
  expect((await tandem('participants', 'import', file, '--round', ROUND)).code).toBe(0);

  // People signing up on the round's page and following the link in their mail (one never does).
  const clock = new VirtualClock(await clockNow());
  const web = await createDeps({ env: stackEnv, clients, clock });
  const submit = async (fields: Fields, client: string) => {
    const submitted = await submitSignUp(web, {
      roundId: ROUND,
      form: { values: fields, consent: true, honeypot: false, formToken: 'checked-by-the-handler' },
      client,
    });
    if (submitted.outcome !== 'accepted' || !submitted.signUpId) throw new Error(`${submitted.outcome}`);
    clock.advance(60_000);
    return submitted.signUpId;
  };
  for (const [n, fields] of SIGNED_UP.entries()) {
    const signUpId = await submit(fields, `203.0.113.${n + 10}`);
    const confirmed = await confirmSignUp(web, { roundId: ROUND, signUpId }, clock.now());
    expect(confirmed.outcome).toBe('registered');
    clock.advance(60_000);
  }
  await submit(PENDING, '203.0.113.9');
  await settle();

  const dump = join(folder, 'graph.csv');
  const result = await tandem('match', '--round', ROUND, '--json', '--dump-graph', dump);
  expect(result.code).toBe(0);
  stdout = result.stdout;
  matched = JSON.parse(stdout) as MatchJson;
  const edges = parse(await readFile(dump, 'utf8'), { columns: true }) as Record<string, string>[];
  const weights = new Map(edges.map((e) => [[e.a, e.b].sort().join(' '), Number(e.weight)]));
  weightOf = (a, b) => weights.get([a, b].sort().join(' '));
  members = (await roundState(ROUND)).members;
});

const emails = (people: readonly Fields[]) => people.map((p) => p.email);

describe('tandem match on a round of imported and signed-up members', () => {
  it('makes members of everyone imported and everyone who confirmed, and of no one still pending', () => {
    expect(members.map((m) => m.email).sort()).toEqual([...emails(IMPORTED), ...emails(SIGNED_UP)].sort());
    const signedUp = new Set(emails(SIGNED_UP));
    for (const member of members) {
      expect([member.email, member.registeredVia]).toEqual([
        member.email,
        signedUp.has(member.email) ? 'sign-up' : undefined,
      ]);
    }
  });

  it('places every member in a partnership or says why not, and never the pending sign-up', () => {
    const placed = [...matched.pairs.flat(), ...matched.triads.flat(), ...matched.unmatched];
    expect(placed.sort()).toEqual(members.map((m) => m.email).sort());
    expect(matched.unmatched).toEqual([]);
    expect(stdout).not.toContain(PENDING.email);
  });

  it('stores, scores and explains the signed-up twin exactly as the imported one', () => {
    const memberOf = (email: string) => members.find((m) => m.email === email) as Member;
    // What the member item says about the person, without who they are, how and when they registered,
    // and whom they are partnered with now.
    const shape = (member: Member) => {
      const {
        id,
        email,
        name,
        registeredAt,
        registrationSeq,
        registeredVia,
        partnershipId,
        partnerIds,
        ...rest
      } = member;
      return rest;
    };
    expect(shape(memberOf(TWIN_SIGNED.email))).toEqual(shape(memberOf(TWIN_IMPORTED.email)));

    // Every feasible pair of one twin is one of the other, with the same score.
    for (const other of members.map((m) => m.email)) {
      if (other === TWIN_SIGNED.email || other === TWIN_IMPORTED.email) continue;
      expect([other, weightOf(TWIN_SIGNED.email, other)]).toEqual([
        other,
        weightOf(TWIN_IMPORTED.email, other),
      ]);
    }

    // Each is partnered with one of the two alike Namibians: the same score, the same explanation.
    const partnershipOf = (email: string) => {
      const found = matched.explanations.find((e) => e.members.includes(email));
      return { members: found?.members.length, weight: found?.weight, explanation: found?.explanation };
    };
    expect(partnershipOf(TWIN_SIGNED.email)).toEqual(partnershipOf(TWIN_IMPORTED.email));
    expect(partnershipOf(TWIN_SIGNED.email)).toMatchObject({ members: 2, weight: expect.any(Number) });
  });
});
