import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import type { MatchGraph, MatchResult } from '#core/coordinator/matching/index';
import { parseRegistrationsCsv } from '#core/coordinator/registration';
import type { Member } from '#core/model';
import { SIGN_UP_FIELDS, type SignUpField } from '#core/sign-up/form';
import { importRegistrations } from '../../../../functions/use-cases/coordinator/import-registrations.ts';
import {
  type MatchSettingsChange,
  matchRound,
} from '../../../../functions/use-cases/coordinator/match-round.ts';
import { confirmSignUp } from '../../../../functions/use-cases/sign-up/confirm-sign-up.ts';
import { submitSignUp } from '../../../../functions/use-cases/sign-up/submit-sign-up.ts';
import { InMemoryLifecycle } from '../fake-lifecycle.ts';
import { signUpWorld } from '../sign-up/sign-up-world.ts';
import { counterIds } from './fixtures.ts';

/**
 * People join a round by a coordinator's registrations file or by confirming a sign-up of their own;
 * `tandem match` must not tell the two apart. Each test registers people both ways on the fakes, through
 * the use cases the CLI and the sign-up page call, then matches the round as `tandem match` does.
 */

type Fields = Record<SignUpField, string>;

/** One person's details, as a file row or the sign-up form gives them (lists `;`-separated). */
const person = (email: string, country: string, more: Partial<Fields> = {}): Fields => ({
  email,
  name: email.split('@')[0] as string,
  country,
  languages: 'en',
  timezone: 'Europe/London',
  organisation: '',
  sector: 'public',
  career_stage: 'mid',
  interests: '',
  mail_language: '',
  ...more,
});

type World = ReturnType<typeof signUpWorld>;

const newWorld = () => {
  const world = signUpWorld();
  return { ...world, newImportId: counterIds('p') };
};

/** A coordinator imports these people, as one CSV file, at the clock's now. */
const importFile = async (world: ReturnType<typeof newWorld>, people: readonly Fields[]) => {
  const csv = stringify([SIGN_UP_FIELDS, ...people.map((p) => SIGN_UP_FIELDS.map((field) => p[field]))]);
  const file = parseRegistrationsCsv(csv);
  expect(file.issues).toEqual([]);
  await importRegistrations(
    { rounds: world.store, participants: world.store, newParticipantId: () => world.newImportId() },
    { roundId: world.round.id, registrations: file.registrations, at: world.clock.now() },
  );
  world.clock.advance(60_000);
};

/** The person fills in the round's sign-up form; returns the pending sign-up's id. */
const submit = async (world: World, fields: Fields) => {
  const outcome = await submitSignUp(world.deps, {
    roundId: world.round.id,
    form: { values: fields, consent: true, honeypot: false, formToken: 'checked-by-the-handler' },
    client: '203.0.113.7',
  });
  if (outcome.outcome !== 'accepted' || !outcome.signUpId) throw new Error(`sign-up ${outcome.outcome}`);
  return outcome.signUpId;
};

/** The person signs up and follows the link in the mail a minute later. */
const signUp = async (world: World, fields: Fields) => {
  const signUpId = await submit(world, fields);
  world.clock.advance(60_000);
  const confirmed = await confirmSignUp(world.deps, { roundId: world.round.id, signUpId }, world.clock.now());
  expect(confirmed.outcome).toBe('registered');
  world.clock.advance(60_000);
};

/** Matches the round as `tandem match` does, on the members the registrations stored. */
const match = async (world: World, settings?: MatchSettingsChange) => {
  const round = await world.store.getRound(world.round.id);
  const members = world.store.members.get(world.round.id) ?? [];
  const lifecycle = new InMemoryLifecycle({ rounds: round ? [round] : [], members });
  let graph: MatchGraph | undefined;
  const outcome = await matchRound(
    { rounds: lifecycle, lifecycle, proposals: lifecycle, newId: counterIds('t') },
    { roundId: world.round.id, ...(settings ? { settings } : {}) },
    {
      beforeStoring: async (built) => {
        graph = built;
      },
    },
  );
  if (!graph) throw new Error('matched without a graph');
  return { outcome, graph, members };
};

/** Everyone the matcher placed: in a pair, a triad, or unmatched with a reason. */
const placed = (result: MatchResult) =>
  [
    ...result.pairs.flatMap((p) => p.members),
    ...result.triads.flatMap((t) => t.members),
    ...result.unmatched.map((u) => u.email),
  ].sort();

/** What a member item says about the person, without who they are or how and when they registered. */
const profileShape = (member: Member) => {
  const { id, email, name, registeredAt, registrationSeq, registeredVia, ...rest } = member;
  return rest;
};

const emailsOf = (people: readonly Fields[]) => people.map((p) => p.email);

/** Six people from six countries who share English (four imported, two signing up): all can be partnered. */
const IMPORTED = [
  person('ana@example.org', 'NZ', { sector: 'academic', interests: 'outreach; metadata' }),
  person('ben@example.org', 'IN', { timezone: 'Asia/Kolkata', career_stage: 'early' }),
  person('cleo@example.org', 'BR', { timezone: 'America/Sao_Paulo', interests: 'outreach' }),
  person('dev@example.org', 'US', { timezone: 'America/New_York', sector: 'school' }),
];
const SIGNED_UP = [
  person('eli@example.org', 'KE', { timezone: 'Africa/Nairobi', career_stage: 'senior' }),
  person('fay@example.org', 'FR', { timezone: 'Europe/Paris', sector: 'special', interests: 'metadata' }),
];

describe('matching a round of imported and signed-up members', () => {
  it('places every imported and every confirmed member, and never a sign-up still pending', async () => {
    // Prepare
    const world = newWorld();
    await importFile(world, IMPORTED);
    for (const fields of SIGNED_UP) await signUp(world, fields);
    await submit(world, person('gus@example.org', 'JP', { timezone: 'Asia/Tokyo' }));

    // Act
    const { outcome, members } = await match(world);

    // Assess
    const everyone = [...emailsOf(IMPORTED), ...emailsOf(SIGNED_UP)].sort();
    expect(members.map((m) => m.email).sort()).toEqual(everyone);
    expect(placed(outcome.result)).toEqual(everyone);
    expect(outcome.result.unmatched).toEqual([]);
    expect(outcome.saved).toMatchObject({ partnerships: 3, status: 'matched' });
    expect(JSON.stringify(outcome)).not.toContain('gus@example.org');
  });

  it("keeps a coordinator's not-with list through the person's own sign-up, so matching still honours it", async () => {
    // Prepare: ana is imported with "not with ben"; then she signs up herself, with a form that has no
    // such field. Only ana and ben share a language, so without the list they would be paired.
    const world = newWorld();
    const only = (email: string, country: string) => person(email, country, { languages: 'mi' });
    const csv = stringify([
      [...SIGN_UP_FIELDS, 'not_with'],
      [...SIGN_UP_FIELDS.map((f) => only('ana@example.org', 'NZ')[f]), 'ben@example.org'],
      SIGN_UP_FIELDS.map((f) => only('ben@example.org', 'AU')[f]),
    ]);
    const file = parseRegistrationsCsv(csv);
    expect(file.issues).toEqual([]);
    await importRegistrations(
      { rounds: world.store, participants: world.store, newParticipantId: () => world.newImportId() },
      { roundId: world.round.id, registrations: file.registrations, at: world.clock.now() },
    );
    await signUp(world, only('ana@example.org', 'NZ'));

    // Act
    const { outcome, members } = await match(world);

    // Assess
    expect(members.find((m) => m.email === 'ana@example.org')?.notWith).toEqual(['ben@example.org']);
    expect(outcome.result.pairs).toEqual([]);
    expect(outcome.result.unmatched.map((u) => u.email).sort()).toEqual([
      'ana@example.org',
      'ben@example.org',
    ]);
  });

  it('stores, scores and explains a signed-up member exactly as an identical imported member', async () => {
    // Prepare: twins, but for their addresses and names; one imported, one signed up.
    const twin = {
      country: 'ZA',
      timezone: 'Africa/Johannesburg',
      sector: 'national',
      career_stage: 'early',
    };
    const world = newWorld();
    await importFile(world, [
      ...IMPORTED,
      person('twin.imported@example.org', 'ZA', { ...twin, interests: 'outreach; Reading clubs' }),
    ]);
    await signUp(
      world,
      person('twin.signed@example.org', 'ZA', { ...twin, interests: 'outreach; Reading clubs' }),
    );
    for (const fields of SIGNED_UP) await signUp(world, fields);

    // Act
    const { graph, members } = await match(world, { countryCap: 1 });

    // Assess
    const memberOf = (email: string) => members.find((m) => m.email === email) as Member;
    const imported = memberOf('twin.imported@example.org');
    const signedUp = memberOf('twin.signed@example.org');
    expect(signedUp.registeredVia).toBe('sign-up');
    expect(profileShape(signedUp)).toEqual(profileShape(imported));

    const i = graph.emails.indexOf(imported.email);
    const s = graph.emails.indexOf(signedUp.email);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(s).toBeGreaterThanOrEqual(0);
    const others = [...graph.emails.keys()].filter((k) => k !== i && k !== s);
    expect(others).toHaveLength(IMPORTED.length + SIGNED_UP.length);
    for (const k of others) {
      expect({ feasible: graph.feasible(s, k), score: graph.score(s, k), why: graph.explain(s, k) }).toEqual({
        feasible: graph.feasible(i, k),
        score: graph.score(i, k),
        why: graph.explain(i, k),
      });
    }
  });

  it('matches a round as it would if those who signed up had been imported at the same moments', async () => {
    // Prepare: the same people, in the same order; in one round the last three signed up. Hal, from
    // Ana's country, comes after her: the country cap leaves him out (seven people, one place each).
    const later = [...SIGNED_UP, person('hal@example.org', 'NZ')];
    const viaSignUp = newWorld();
    await importFile(viaSignUp, IMPORTED);
    for (const fields of later) await signUp(viaSignUp, fields);

    const viaImport = newWorld();
    await importFile(viaImport, IMPORTED);
    for (const fields of later) {
      viaImport.clock.advance(60_000);
      await importFile(viaImport, [fields]);
    }

    // Act
    const bySignUp = await match(viaSignUp, { seed: 3 });
    const byImport = await match(viaImport, { seed: 3 });

    // Assess
    expect(bySignUp.outcome.result.unmatched).toContainEqual({
      email: 'hal@example.org',
      reason: 'country cap',
    });
    expect(bySignUp.outcome.result).toEqual(byImport.outcome.result);
    expect(bySignUp.outcome.unmatched).toEqual(byImport.outcome.unmatched);
  });

  it('follows the registration order under the country cap, whichever way each person came', async () => {
    // Prepare: ten people, so at most two per country; four from NZ, registered in this order.
    const world = newWorld();
    await signUp(world, person('nz1.signed@example.org', 'NZ'));
    await importFile(world, [
      ...IMPORTED.slice(1),
      person('nz2.imported@example.org', 'NZ'),
      person('nz3.imported@example.org', 'NZ'),
      person('zoe@example.org', 'ZA', { timezone: 'Africa/Johannesburg' }),
    ]);
    await signUp(world, person('nz4.signed@example.org', 'NZ'));
    for (const fields of SIGNED_UP) await signUp(world, fields);

    // Act
    const { outcome, members } = await match(world);

    // Assess
    expect(members).toHaveLength(10);
    expect(outcome.result.unmatched.filter((u) => u.reason === 'country cap').map((u) => u.email)).toEqual([
      'nz3.imported@example.org',
      'nz4.signed@example.org',
    ]);
    expect(placed(outcome.result)).toEqual(members.map((m) => m.email).sort());
  });
});
