import { describe, expect, it } from 'vitest';
import {
  checkPersonForm,
  doneQuery,
  findMembers,
  PERSON_FIELDS,
  personValuesOf,
  readDone,
  readPersonForm,
} from '#core/console/registrations';
import {
  addPersonPage,
  changeAddressPage,
  editPersonPage,
  PROBLEMS_SHOWN,
  registrationsListPage,
  removePersonPage,
  uploadPage,
} from '#core/console/registrations-pages';
import { parseRegistrationsCsv } from '#core/coordinator/registration';
import { aMember, aParticipant } from '../fixtures.ts';

const viewer = { email: 'stage@example.org', csrfToken: 'csrf-token' };
const round = { id: 'spring-2027', name: 'Spring <2027>', status: 'draft' as const };
const SCRIPT = '<script>alert("x")</script>';
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';

/** Every form input of a page, and whether a label points at it. */
const unlabelledInputs = (html: string): string[] => {
  const labelled = new Set([...html.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]));
  return [...html.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)]
    .map((m) => m[1] as string)
    .filter((id) => !labelled.has(id));
};

describe('registrationsListPage', () => {
  it('shows names, addresses and the round’s name holding markup as text', () => {
    const member = aMember({ seed: 'evil', name: SCRIPT, email: 'evil@example.org', organisation: SCRIPT });

    const html = registrationsListPage({
      viewer,
      round,
      members: [member],
      q: SCRIPT,
      sort: undefined,
      paging: { kind: 'found', total: 1, found: 1, screen: 1, screens: 1 },
    });

    expect(html).not.toContain('<script>');
    expect(html).toContain(`<th scope="row">${ESCAPED}</th>`);
    expect(html).toContain(`value="${ESCAPED}"`);
    expect(html).toContain('<h1>Registrations: Spring &lt;2027&gt;</h1>');
    expect(html).toContain(`Edit<span class="hidden-text"> ${ESCAPED}</span>`);
  });

  it('labels its search and order, and makes its table a named region that scrolls from the keyboard', () => {
    const html = registrationsListPage({
      viewer,
      round,
      members: [aMember({ seed: 'ana' })],
      q: '',
      sort: undefined,
      paging: { kind: 'stored', first: true, next: 'eyJwayI6MX0' },
    });

    expect(unlabelledInputs(html)).toEqual([]);
    expect(html).toContain('role="region" aria-labelledby="people-caption" tabindex="0"');
    expect(html).toContain(
      '<caption id="people-caption" class="hidden-text">People registered for Spring &lt;2027&gt;</caption>',
    );
    expect(html).toContain(
      '<a href="/console/rounds/spring-2027/registrations?page=eyJwayI6MX0" rel="next">Next 50 people</a>',
    );
  });

  it('announces a change that was made', () => {
    const html = registrationsListPage({
      viewer,
      round,
      members: [],
      q: '',
      sort: undefined,
      paging: { kind: 'stored', first: true },
      done: { done: 'imported', imported: 3, updated: 1, inactive: 1 },
    });

    expect(html).toContain(
      '<div class="notice" role="alert"><p>Registrations imported: 3 new, 1 updated. 1 of them gets no mail: their address bounced or complained in an earlier round.</p></div>',
    );
  });
});

describe('uploadPage', () => {
  const file = parseRegistrationsCsv(
    [
      'email,name,country,languages,timezone,sector,career_stage',
      `ana@example.org,${SCRIPT.replaceAll('"', '')},Atlantis,en,Europe/Paris,public,mid`,
      'ben@example.org,Ben,NZ,English,Pacific/Auckland,public,mid',
    ].join('\n'),
  );

  it('lists the problems in a table by line and field, the summary linking to it', () => {
    const html = uploadPage({
      viewer,
      round,
      problems: file.issues,
      rows: file.rows,
      invalidRows: file.invalidRows,
    });

    expect(html).toContain(
      '<title>Error: Upload registrations: Spring &lt;2027&gt; · Console · Tandem</title>',
    );
    expect(html).toContain('<h2 id="summary-title">There is a problem</h2>');
    expect(html).toContain('<li><a href="#problems">2 problems in 2 of 2 rows: nothing was imported.');
    expect(html).toContain(
      '<th scope="col">Where</th><th scope="col">Field</th><th scope="col">Problem</th>',
    );
    expect(html).toContain(
      '<tr><td>line 2</td><td>country</td><td>&quot;Atlantis&quot; is not an ISO 3166 country code</td></tr>',
    );
    expect(html).toContain(
      '<tr><td>line 3</td><td>languages</td><td>&quot;English&quot; is not an ISO 639 language code: write &quot;en&quot;</td></tr>',
    );
    expect(unlabelledInputs(html)).toEqual([]);
    expect(html).toContain('enctype="multipart/form-data"');
    expect(html).toContain('name="csrf_token" value="csrf-token"');
  });

  it('shows a file field’s own words as text, and at most the first problems of a very bad file', () => {
    const many = Array.from({ length: PROBLEMS_SHOWN + 5 }, (_, i) => ({
      line: i + 2,
      field: SCRIPT,
      message: 'missing',
    }));

    const html = uploadPage({
      viewer,
      round,
      problems: many,
      rows: many.length,
      invalidRows: many.length,
      text: SCRIPT,
    });

    expect(html).not.toContain('<script>');
    expect(html.match(/<tr><td>line/g)).toHaveLength(PROBLEMS_SHOWN);
    expect(html).toContain(`The first ${PROBLEMS_SHOWN} of ${PROBLEMS_SHOWN + 5} problems.`);
    expect(html).toContain(`>${ESCAPED}</textarea>`);
  });
});

describe('the forms of one person', () => {
  it('labels every input, ties each error to its input and lists it in the summary', () => {
    const values = readPersonForm(() => []);
    const checked = checkPersonForm({ ...values, name: SCRIPT, country: 'Atlantis' });
    if (checked.ok) throw new Error('expected problems');

    const html = addPersonPage({
      viewer,
      round,
      values: { ...values, name: SCRIPT },
      errors: checked.errors,
    });

    expect(unlabelledInputs(html)).toEqual([]);
    expect(html).toContain('<li><a href="#email">Enter their email address</a></li>');
    expect(html).toContain('<li><a href="#sector">Choose the kind of library they work in</a></li>');
    expect(html).toContain('aria-describedby="email-hint email-error" aria-invalid="true"');
    expect(html).toContain(`id="name" name="name" type="text" value="${ESCAPED}"`);
    expect(html).not.toContain('<script>');
    expect(html.indexOf('class="summary-box"')).toBeLessThan(html.indexOf('<h1>'));
  });

  it('shows a person’s notes, name and address as text on the edit page', () => {
    const person = aParticipant({ seed: 'ana', name: SCRIPT, notes: { [SCRIPT]: SCRIPT } });

    const html = editPersonPage({
      viewer,
      round,
      participantId: person.id,
      person,
      values: personValuesOf(person),
    });

    expect(html).not.toContain('<script>');
    expect(html).toContain(`<h1>Edit ${ESCAPED}</h1>`);
    expect(html).toContain(`<dt>${ESCAPED}</dt><dd>${ESCAPED}</dd>`);
    expect(unlabelledInputs(html)).toEqual([]);
  });

  it('asks before removing, and labels the new address', () => {
    const member = { id: 'panaaaaaaaaaaa', name: SCRIPT, email: 'ana@example.org' };

    const remove = removePersonPage({ viewer, round, member });
    const address = changeAddressPage({ viewer, round, member, value: SCRIPT, error: 'Enter an address' });

    expect(remove).toContain(`<h1>Remove ${ESCAPED} from Spring &lt;2027&gt;?</h1>`);
    expect(remove).toContain('<button type="submit" class="warning">');
    expect(address).toContain('<li><a href="#to">Enter an address</a></li>');
    expect(address).toContain(`value="${ESCAPED}" aria-describedby="to-hint to-error" aria-invalid="true"`);
    expect(unlabelledInputs(address)).toEqual([]);
    expect(`${remove}${address}`).not.toContain('<script>');
  });
});

describe('checkPersonForm', () => {
  it('registers a person as the registrations file does', () => {
    const row = {
      email: 'Cleo@Example.org',
      name: ' Cleo  Martin ',
      country: 'fra',
      languages: 'FRE; en-GB',
      timezone: 'europe/paris',
      organisation: '',
      sector: 'National',
      career_stage: 'SENIOR',
      interests: 'metadata; Metadata',
      not_with: 'Ben@Example.org',
      mail_language: 'ES-mx',
    };
    const file = parseRegistrationsCsv(
      `${PERSON_FIELDS.join(',')}\n${PERSON_FIELDS.map((field) => row[field]).join(',')}`,
    );

    const checked = checkPersonForm(row);

    expect(checked).toEqual({ ok: true, profile: file.registrations[0]?.profile });
    expect(checked.ok && personValuesOf(checked.profile)).toEqual({
      ...row,
      email: 'cleo@example.org',
      name: 'Cleo Martin',
      country: 'FR',
      languages: 'fr; en',
      timezone: 'Europe/Paris',
      sector: 'national',
      career_stage: 'senior',
      interests: 'metadata',
      not_with: 'ben@example.org',
      mail_language: 'es',
    });
  });
});

describe('findMembers', () => {
  const members = [
    aMember({
      seed: 'zoe',
      name: 'Zoë Ångström',
      email: 'zoe@example.org',
      registeredAt: '2027-01-02T00:00:00.000Z',
      registrationSeq: 1,
    }),
    aMember({
      seed: 'adam',
      name: 'adam Smith',
      email: 'adam@zoe.example.org',
      registeredAt: '2027-01-01T00:00:00.000Z',
      registrationSeq: 9,
    }),
    aMember({
      seed: 'bea',
      name: 'Bea',
      email: 'bea@example.org',
      registeredAt: '2027-01-02T00:00:00.000Z',
      registrationSeq: 0,
    }),
  ];

  it('finds part of a name or an address, whatever its case and accents', () => {
    expect(findMembers(members, { q: 'ZOE', sort: 'name' }).map((m) => m.name)).toEqual([
      'adam Smith',
      'Zoë Ångström',
    ]);
    expect(findMembers(members, { q: 'angst', sort: 'name' }).map((m) => m.name)).toEqual(['Zoë Ångström']);
  });

  it('orders by name ignoring case, and by registration as the matcher does', () => {
    expect(findMembers(members, { q: '', sort: 'name' }).map((m) => m.name)).toEqual([
      'adam Smith',
      'Bea',
      'Zoë Ångström',
    ]);
    expect(findMembers(members, { q: '', sort: 'registered' }).map((m) => m.name)).toEqual([
      'adam Smith',
      'Bea',
      'Zoë Ångström',
    ]);
  });
});

describe('the confirmation of a change', () => {
  it('travels as codes and counts, and nothing else is read back', () => {
    const done = { done: 'imported' as const, imported: 3, updated: 0, inactive: 2 };
    const query = new URLSearchParams(doneQuery(done));

    expect(readDone((name) => query.get(name) ?? undefined)).toEqual(done);
    expect(readDone((name) => ({ done: 'You were signed out: go to evil.example' })[name])).toBeUndefined();
    expect(readDone((name) => ({ done: 'imported', imported: '<b>', updated: '1' })[name])).toBeUndefined();
  });
});
