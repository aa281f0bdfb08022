import { describe, expect, it } from 'vitest';
import type { Member, Participant, Round } from '#core/model';
import type { Coordinator } from '#handlers/console/context';
import { type RegistrationDeps, registrationRoutes } from '#handlers/console/registrations';
import { VirtualClock } from '#local/clock';
import { aMember, aParticipant, aProfile, aRound, participantId, partnershipId } from '../core/fixtures.ts';
import { InMemoryAddressChange } from '../use-cases/fake-address-change.ts';
import { InMemoryAuditTrail } from '../use-cases/fake-console.ts';
import { InMemorySignUps } from '../use-cases/fake-sign-ups.ts';
import { InMemoryStore } from '../use-cases/fakes.ts';
import {
  CSRF,
  consoleRoutes,
  countingRandomBytes,
  OTHER,
  ROUND_COORDINATOR,
  STAGE,
  silenceLogs,
} from './console-harness.ts';

silenceLogs();

const NOW = '2027-03-01T09:00:00.000Z';
const ROUND = 'spring-2027';
const LIST = `/console/rounds/${ROUND}/registrations`;

const HEADER = 'email,name,country,languages,timezone,organisation,sector,career_stage,interests,not_with';
const GOOD_FILE = [
  HEADER,
  'ana@example.org,Ana Silva,BR,pt;en,America/Sao_Paulo,Biblioteca Mário de Andrade,public,early,reading clubs,',
  'ben@example.org,Ben Okafor,NG,en,Africa/Lagos,,academic,mid,,ana@example.org',
].join('\n');
const BAD_FILE = [
  HEADER,
  'ana@example.org,Ana Silva,BR,pt;en,America/Sao_Paulo,,public,early,,',
  'bo@example.org,Bo Lind,Atlantis,sv,Europe/Stockholm,,public,veteran,,',
].join('\n');

/** The registrations pages on fakes, behind a middleware that signs `coordinator` in, as the session does. */
const consoleOn = (
  options: { round?: Partial<Round>; members?: Member[]; coordinator?: Coordinator; pageSize?: number } = {},
) => {
  const round = aRound({
    id: ROUND,
    name: 'Spring 2027',
    status: 'draft',
    coordinatorEmail: ROUND_COORDINATOR.email,
    ...options.round,
  });
  const store = new InMemoryStore([round], options.members ?? [], options.pageSize ?? 500);
  const signUps = new InMemorySignUps();
  const addresses = new InMemoryAddressChange();
  const trail = new InMemoryAuditTrail();
  const deps: RegistrationDeps = {
    rounds: store,
    participants: store,
    signUps,
    clock: new VirtualClock(NOW),
    randomBytes: countingRandomBytes(),
    addresses,
    audit: trail,
  };
  const { get, post } = consoleRoutes('/rounds', registrationRoutes(deps), options.coordinator);
  const members = () => [...(store.members.get(ROUND) ?? [])].sort((a, b) => a.email.localeCompare(b.email));
  return { store, signUps, addresses, trail, round, get, post, members };
};

/** `count` members of the round, each with a distinct readable seed (`aa`, `ab`, …). */
const cohort = (count: number, roundId = ROUND): Member[] =>
  Array.from({ length: count }, (_, i) => {
    const seed = `m${String.fromCharCode(97 + Math.floor(i / 26))}${String.fromCharCode(97 + (i % 26))}`;
    return aMember({ seed, roundId, name: `Person ${i}`, email: `person${i}@example.org` });
  });

/** The people rows of a page, by their name cells. */
const rowNames = (body: string): string[] =>
  [...body.matchAll(/<th scope="row">([^<]*)/g)].map((match) => match[1] as string);

const nextLink = (body: string): string | undefined =>
  /<a href="([^"]+)" rel="next">/.exec(body)?.[1]?.replaceAll('&amp;', '&');

/** A multipart form with the CSRF token and a file, as a browser posts the upload form. */
const uploadForm = (text: string | Uint8Array, name = 'cohort.csv') => {
  const form = new FormData();
  form.set('csrf_token', CSRF);
  form.set('file', new File([text], name, { type: 'text/csv' }));
  form.set('csv', '');
  return form;
};

const personFields = (overrides: Record<string, string> = {}) => ({
  email: 'cleo@example.org',
  name: 'Cleo Martin',
  country: 'France',
  languages: 'fr; EN',
  timezone: 'europe/paris',
  organisation: 'BnF',
  sector: 'national',
  career_stage: 'senior',
  interests: 'metadata',
  not_with: '',
  mail_language: '',
  ...overrides,
});

describe('GET /console/rounds/<roundId>/registrations', () => {
  it('shows 50 people a screen in stored order, with one query of the table per screen', async () => {
    // Prepare
    const site = consoleOn({ members: cohort(120) });

    // Act
    const first = await site.get(LIST);
    const second = await site.get(nextLink(first.body) as string);
    const third = await site.get(nextLink(second.body) as string);

    // Assess
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    const byId = cohort(120)
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((m) => m.name);
    expect([rowNames(first.body), rowNames(second.body), rowNames(third.body)]).toEqual([
      byId.slice(0, 50),
      byId.slice(50, 100),
      byId.slice(100),
    ]);
    expect(nextLink(third.body)).toBeUndefined();
    expect(site.store.memberPageReads).toHaveLength(3);
    expect(site.store.memberReads).toEqual([]);
  });

  it('shows each person’s details, how and when they registered, and the actions of a draft round', async () => {
    const ana = aMember({
      seed: 'ana',
      roundId: ROUND,
      name: 'Ana Silva',
      country: 'BR',
      languages: ['pt', 'en'],
      timezone: 'America/Sao_Paulo',
      registeredAt: '2027-02-20T08:15:00.000Z',
      registrationSeq: 0,
      registeredVia: 'sign-up',
    });
    const site = consoleOn({ members: [ana] });

    const page = await site.get(LIST);

    expect(page.body).toContain(
      '<th scope="row">Ana Silva</th><td>ana@example.org</td><td>BR</td><td>pt, en</td>',
    );
    expect(page.body).toContain('<td>Sign-up</td><td>2027-02-20 08:15 UTC</td>');
    expect(page.body).toContain('<td>pt, en</td><td>English</td><td>America/Sao_Paulo</td>');
    expect(page.body).toContain(`href="${LIST}/${ana.id}/edit"`);
    expect(page.body).toContain(`href="${LIST}/${ana.id}/remove"`);
    expect(page.body).toContain(`href="${LIST}/upload"`);
  });

  it('shows the language each person is written to in, by its name in itself', async () => {
    const site = consoleOn({
      members: [aMember({ seed: 'ana', roundId: ROUND, mailLanguage: 'pt', languages: ['pt', 'en'] })],
    });

    const page = await site.get(LIST);

    expect(page.body).toMatch(/<th[^>]*>Mail language<\/th>/);
    expect(page.body).toContain('<td>pt, en</td><td>Português</td>');
  });

  it('counts the sign-ups of a draft round that wait for their confirmation', async () => {
    const site = consoleOn();
    await site.signUps.savePending(
      {
        roundId: ROUND,
        profile: aProfile({ seed: 'dee' }),
        now: new Date(NOW),
        expiresAt: new Date('2027-03-08T09:00:00Z'),
      },
      () => 'sdeeaaaaaaaaa',
    );

    const page = await site.get(LIST);

    expect(page.body).toContain('1 sign-up waits for a confirmation');
    expect(page.body).toContain('Nobody is registered for this round yet.');
  });

  it('finds people by part of their name or address, ignoring case and accents, reading the round once', async () => {
    const site = consoleOn({
      members: [
        aMember({ seed: 'anais', roundId: ROUND, name: 'Anaïs Dubois', email: 'adubois@example.org' }),
        aMember({ seed: 'bob', roundId: ROUND, name: 'Bob Marley', email: 'bob@banana.example.org' }),
        aMember({ seed: 'carl', roundId: ROUND, name: 'Carl Jung', email: 'carl@example.org' }),
        aMember({ seed: 'dana', roundId: ROUND, name: 'DANA Scully', email: 'ds@example.org' }),
      ],
      pageSize: 2,
    });

    const page = await site.get(`${LIST}?q=ANA`);

    expect(rowNames(page.body)).toEqual(['Anaïs Dubois', 'Bob Marley', 'DANA Scully']);
    expect(page.body).toContain('4 people registered; 3 match “ANA”.');
    expect(site.store.memberReads).toEqual([ROUND]);
    expect(site.store.memberPageReads).toEqual([]);
  });

  it('orders everyone as asked, and pages them by screen number', async () => {
    const members = cohort(60).map((m, i) => ({ ...m, country: i < 10 ? 'ZA' : 'AR' }));
    const site = consoleOn({ members });

    const first = await site.get(`${LIST}?sort=country`);
    const second = await site.get(nextLink(first.body) as string);

    expect(rowNames(first.body).slice(0, 2)).toEqual(['Person 10', 'Person 11']);
    // 50 people from AR (Person 10 to 59) fill the first screen; the 10 from ZA the second.
    expect(rowNames(second.body)).toEqual(Array.from({ length: 10 }, (_, i) => `Person ${i}`));
    expect(second.body).toContain('60 people registered: page 2 of 2.');
    expect(site.store.memberReads).toHaveLength(2);
  });

  it('shows a name holding markup as text', async () => {
    const site = consoleOn({
      members: [aMember({ seed: 'evil', roundId: ROUND, name: '<script>alert(1)</script>' })],
    });

    const page = await site.get(LIST);

    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script>alert');
  });

  it('refuses an edited page link with a way back to the first page', async () => {
    const site = consoleOn({ members: cohort(3) });

    const page = await site.get(`${LIST}?page=bm90LWEtY3Vyc29y`);

    expect(page.status).toBe(400);
    expect(page.body).toContain('This page link does not work');
  });

  it('is 404 for a round that does not exist, and 403 for a round the coordinator may not manage', async () => {
    const theirs = consoleOn({ coordinator: ROUND_COORDINATOR });
    const others = consoleOn({ coordinator: OTHER });

    expect((await theirs.get(LIST)).status).toBe(200);
    expect((await theirs.get('/console/rounds/autumn-2027/registrations')).status).toBe(404);
    expect((await theirs.get('/console/rounds/NOT_AN_ID/registrations')).status).toBe(404);
    expect((await others.get(LIST)).status).toBe(403);
    expect((await others.post(`${LIST}/add`, personFields())).status).toBe(403);
    expect(others.members()).toEqual([]);
  });

  it('offers no changes but the address once the round is matched', async () => {
    const ana = aMember({ seed: 'ana', roundId: ROUND });
    const site = consoleOn({ round: { status: 'matched' }, members: [ana] });

    const page = await site.get(LIST);

    expect(page.body).toContain('This round is matched');
    expect(page.body).not.toContain(`${ana.id}/edit`);
    expect(page.body).toContain(`${ana.id}/email`);
    expect((await site.get(`${LIST}/upload`)).status).toBe(409);
    expect((await site.get(`${LIST}/add`)).status).toBe(409);
  });
});

describe('POST /console/rounds/<roundId>/registrations/upload', () => {
  it('imports a valid file as `participants import` does, and confirms it on the list', async () => {
    const site = consoleOn();

    const answer = await site.post(`${LIST}/upload`, uploadForm(GOOD_FILE));
    const list = await site.get(answer.location as string);

    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`${LIST}?done=imported&imported=2&updated=0&inactive=0`);
    expect(
      site.members().map((m) => [m.email, m.country, m.languages, m.registrationSeq, m.notWith]),
    ).toEqual([
      ['ana@example.org', 'BR', ['pt', 'en'], 2, undefined],
      ['ben@example.org', 'NG', ['en'], 3, ['ana@example.org']],
    ]);
    expect(list.body).toContain('Registrations imported: 2 new, 0 updated.');
    expect(site.trail.entries).toEqual([
      expect.objectContaining({
        actor: STAGE.email,
        action: 'participants-import',
        roundId: ROUND,
        detail: '2 rows: 2 new, 0 updated, 0 inactive',
      }),
    ]);
  });

  it('lists every problem by line and field and imports nothing', async () => {
    const site = consoleOn();

    const answer = await site.post(`${LIST}/upload`, uploadForm(BAD_FILE));

    expect(answer.status).toBe(400);
    expect(answer.body).toContain('<title>Error: Upload registrations');
    expect(answer.body).toContain('<a href="#problems">2 problems in 1 of 2 rows: nothing was imported.');
    expect(answer.body).toContain(
      '<tr><td>line 3</td><td>country</td><td>&quot;Atlantis&quot; is not an ISO 3166 country code</td></tr>',
    );
    expect(answer.body).toContain('<tr><td>line 3</td><td>career_stage</td>');
    expect(site.members()).toEqual([]);
    expect(site.store.participants.size).toBe(0);
  });

  it('takes the rows pasted into the form when no file is chosen, and counts people registered already as updated', async () => {
    const site = consoleOn();
    await site.post(`${LIST}/upload`, uploadForm(GOOD_FILE));

    const answer = await site.post(`${LIST}/upload`, { csv: GOOD_FILE.replace('Ana Silva', 'Ana S.') });

    expect(answer.location).toBe(`${LIST}?done=imported&imported=0&updated=2&inactive=0`);
    expect(site.members().map((m) => m.name)).toEqual(['Ana S.', 'Ben Okafor']);
  });

  it('reads a JSON file by its name, as the CLI does', async () => {
    const site = consoleOn();
    const json = JSON.stringify([
      {
        email: 'ana@example.org',
        name: 'Ana',
        country: 'BR',
        languages: ['pt'],
        timezone: 'America/Sao_Paulo',
        sector: 'public',
        careerStage: 'mid',
      },
    ]);

    const answer = await site.post(`${LIST}/upload`, uploadForm(json, 'cohort.json'));

    expect(answer.status).toBe(303);
    expect(site.members().map((m) => m.email)).toEqual(['ana@example.org']);
  });

  it('refuses a file that is no registrations file, or no file at all, at the file input', async () => {
    const site = consoleOn();

    const wrongHeader = await site.post(`${LIST}/upload`, uploadForm('email,name\nana@example.org,Ana'));
    const nothing = await site.post(`${LIST}/upload`, { csv: '  ' });
    const notUtf8 = await site.post(
      `${LIST}/upload`,
      uploadForm(new Uint8Array([0x65, 0x6d, 0x61, 0x69, 0x6c, 0xe9])),
    );

    expect(wrongHeader.status).toBe(400);
    expect(wrongHeader.body).toContain(
      '<a href="#file">The file cannot be imported: line 1 (the header): missing columns country, languages, timezone, sector, career_stage</a>',
    );
    expect(wrongHeader.body).toContain('id="file-error"');
    expect(wrongHeader.body).toContain('aria-describedby="file-hint file-error" aria-invalid="true"');
    expect(nothing.body).toContain('Choose a registrations file, or paste its rows');
    expect(notUtf8.body).toContain('The file is not UTF-8 text');
    expect(site.members()).toEqual([]);
  });

  it('imports nothing into a round that is no longer a draft', async () => {
    const site = consoleOn({ round: { status: 'matched' } });

    const answer = await site.post(`${LIST}/upload`, uploadForm(GOOD_FILE));

    expect(answer.status).toBe(409);
    expect(answer.body).toContain(
      'round spring-2027 is matched: participants can only be imported into a draft round',
    );
    expect(site.store.participants.size).toBe(0);
  });
});

describe('registering one person', () => {
  it('registers them as one row of a file, normalised the same way', async () => {
    const site = consoleOn();

    const answer = await site.post(`${LIST}/add`, personFields());

    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`${LIST}?done=added`);
    expect(site.members()).toEqual([
      expect.objectContaining({
        email: 'cleo@example.org',
        country: 'FR',
        languages: ['fr', 'en'],
        timezone: 'Europe/Paris',
        registeredAt: NOW,
        registrationSeq: 0,
      }),
    ]);
  });

  it('registers the language of their emails, English until another is chosen', async () => {
    const site = consoleOn();
    const form = (await site.get(`${LIST}/add`)).body;

    await site.post(`${LIST}/add`, personFields({ mail_language: 'es-MX' }));

    expect(form).toContain('<label for="mail_language">Language for their emails</label>');
    expect(form).toContain('<option value="en" selected>English (en)</option>');
    expect(form).not.toMatch(/<select id="mail_language"[^>]*><option value="">/);
    expect(site.members().map((m) => m.mailLanguage)).toEqual(['es']);
  });

  it('refuses a mail language Tandem does not write in, at its select', async () => {
    const site = consoleOn();

    const answer = await site.post(`${LIST}/add`, personFields({ mail_language: 'de' }));

    expect(answer.status).toBe(400);
    expect(answer.body).toContain(
      '<li><a href="#mail_language">Language for their emails: &quot;de&quot; is not a language Tandem writes in (en, es, fr, pt)</a></li>',
    );
    expect(site.members()).toEqual([]);
  });

  it('shows each problem next to its input and in the summary, keeps what was typed, and registers nobody', async () => {
    const site = consoleOn();

    const answer = await site.post(
      `${LIST}/add`,
      personFields({ name: '', country: 'Atlantis', not_with: 'cleo@example.org' }),
    );

    expect(answer.status).toBe(400);
    expect(answer.body).toContain('<li><a href="#name">Enter their name</a></li>');
    expect(answer.body).toContain(
      '<li><a href="#country">Country: &quot;Atlantis&quot; is not an ISO 3166 country code</a></li>',
    );
    expect(answer.body).toContain(
      '<li><a href="#not_with">Not to be partnered with: lists the participant&#39;s own address</a></li>',
    );
    expect(answer.body).toContain(
      '<span class="message" id="country-error"><span class="hidden-text">Error: </span>Country:',
    );
    expect(answer.body).toContain(
      'id="country" name="country" type="text" value="Atlantis" aria-describedby="country-hint country-error" aria-invalid="true"',
    );
    expect(site.members()).toEqual([]);
  });
});

describe('editing one person', () => {
  const ana = aParticipant({
    seed: 'ana',
    name: 'Ana Silva',
    mailLanguage: 'pt',
    notes: { pronouns: 'she/her' },
    notWith: ['ben@example.org'],
  });
  const withAna = () => {
    const site = consoleOn({
      members: [
        aMember({
          ...ana,
          seed: 'ana',
          roundId: ROUND,
          registeredAt: '2027-02-01T00:00:00.000Z',
          registrationSeq: 7,
        }),
      ],
    });
    site.store.participants.set(ana.email, ana);
    return site;
  };
  const EDIT = `${LIST}/${ana.id}/edit`;

  it('shows their details filled in, and their address apart', async () => {
    const site = withAna();

    const page = await site.get(EDIT);

    expect(page.body).toContain('<h1>Edit Ana Silva</h1>');
    expect(page.body).toContain('id="name" name="name" type="text" value="Ana Silva"');
    expect(page.body).toContain('id="not_with" name="not_with" type="text" value="ben@example.org"');
    expect(page.body).toContain('<option value="pt" selected>Português (pt)</option>');
    expect(page.body).toContain('<option value="en">English (en)</option>');
    expect(page.body).not.toContain('name="email"');
    expect(page.body).toContain(`href="${LIST}/${ana.id}/email"`);
    expect(page.body).toContain('<dt>pronouns</dt><dd>she/her</dd>');
  });

  it('saves through the import, keeping their address, their place and their notes', async () => {
    const site = withAna();

    const answer = await site.post(
      EDIT,
      personFields({ email: 'sneaky@example.org', name: 'Ana S.', not_with: '' }),
    );

    expect(answer.location).toBe(`${LIST}?done=saved`);
    expect(site.members()).toEqual([
      expect.objectContaining({
        id: ana.id,
        email: ana.email,
        name: 'Ana S.',
        registeredAt: '2027-02-01T00:00:00.000Z',
        registrationSeq: 7,
        notes: { pronouns: 'she/her' },
      }),
    ]);
    expect(site.members()[0]?.notWith).toBeUndefined();
  });

  it('changes the language of their emails', async () => {
    const site = withAna();

    const answer = await site.post(EDIT, personFields({ mail_language: 'fr' }));

    expect(answer.location).toBe(`${LIST}?done=saved`);
    expect(site.members().map((m) => m.mailLanguage)).toEqual(['fr']);
    expect(site.store.participants.get(ana.email)?.mailLanguage).toBe('fr');
  });

  it('is 404 for someone not registered for the round', async () => {
    const site = withAna();

    expect((await site.get(`${LIST}/${participantId('nobody')}/edit`)).status).toBe(404);
    expect((await site.post(`${LIST}/${participantId('nobody')}/edit`, personFields())).status).toBe(404);
  });
});

describe('removing one person', () => {
  const ana = aMember({ seed: 'ana', roundId: ROUND, name: 'Ana <b>Silva</b>' });
  const REMOVE = `${LIST}/${ana.id}/remove`;

  it('asks first, changing nothing, then removes them and keeps their profile', async () => {
    const site = consoleOn({ members: [ana, aMember({ seed: 'ben', roundId: ROUND })] });
    const profile: Participant = aParticipant({ seed: 'ana' });
    site.store.participants.set(profile.email, profile);

    const question = await site.get(REMOVE);
    const membersAsked = site.members().length;
    const answer = await site.post(REMOVE, {});

    expect(question.body).toContain('<h1>Remove Ana &lt;b&gt;Silva&lt;/b&gt; from Spring 2027?</h1>');
    expect(question.body).toContain(`<form method="post" action="${REMOVE}">`);
    expect(question.body).toContain(`name="csrf_token" value="${CSRF}"`);
    expect(membersAsked).toBe(2);
    expect(answer.location).toBe(`${LIST}?done=removed`);
    expect(site.members().map((m) => m.email)).toEqual(['ben@example.org']);
    expect(site.store.participants.get(profile.email)).toEqual(profile);
  });

  it('removes nobody from a round that is no longer a draft', async () => {
    const site = consoleOn({ round: { status: 'matched' }, members: [ana] });

    const question = await site.get(REMOVE);
    const answer = await site.post(REMOVE, {});

    expect([question.status, answer.status]).toEqual([409, 409]);
    expect(answer.body).toContain('registrations can only change while a round is a draft');
    expect(site.members()).toHaveLength(1);
  });

  it('removes no one in a partnership being proposed, nor someone not registered', async () => {
    const partnered = { ...ana, partnershipId: partnershipId('pair') };
    const site = consoleOn({ members: [partnered] });

    const inPartnership = await site.post(REMOVE, {});
    const nobody = await site.post(`${LIST}/${participantId('nobody')}/remove`, {});

    expect(inPartnership.status).toBe(409);
    expect(nobody.status).toBe(404);
    expect(site.members()).toHaveLength(1);
  });
});

describe('changing an address', () => {
  const OLD = 'ana@old.example.org';
  const setUp = () => {
    const ana = aMember({ seed: 'ana', roundId: ROUND, email: OLD });
    const site = consoleOn({ members: [ana] });
    const profile = aParticipant({ seed: 'ana', email: OLD });
    site.store.participants.set(OLD, profile);
    site.addresses.register(profile);
    site.addresses.register(aParticipant({ seed: 'ben' }));
    site.addresses.addRound(site.round);
    site.addresses.addMember(ana);
    return { site, path: `${LIST}/${ana.id}/email` };
  };

  it('moves them to the new address as `participants change-email` does', async () => {
    const { site, path } = setUp();

    const form = await site.get(path);
    const answer = await site.post(path, { to: ' Ana@New.example.org ' });

    expect(form.body).toContain(`Now: ${OLD}`);
    expect(answer.location).toBe(`${LIST}?done=address&rounds=1`);
    expect(site.addresses.moves).toEqual([
      expect.objectContaining({
        from: OLD,
        to: 'ana@new.example.org',
        memberships: [{ roundId: ROUND, reactivate: false }],
      }),
    ]);
  });

  it('shows its refusals at the input: not an address, someone else’s, or theirs already', async () => {
    const { site, path } = setUp();

    const invalid = await site.post(path, { to: 'not an address' });
    const taken = await site.post(path, { to: 'ben@example.org' });
    const same = await site.post(path, { to: OLD });

    expect([invalid.status, taken.status, same.status]).toEqual([400, 400, 400]);
    expect(invalid.body).toContain('<a href="#to">Enter an email address in the right form');
    expect(taken.body).toContain('ben@example.org is registered to someone else already');
    expect(same.body).toContain(`${OLD} is their address already`);
    expect(site.addresses.moves).toEqual([]);
  });
});
