import { describe, expect, it } from 'vitest';
import {
  forgetPage,
  forgetSteps,
  type PersonPlan,
  peopleForbiddenPage,
  peoplePage,
  personNotFoundPage,
  readAddress,
  type Viewer,
} from '#core/console/people-pages';

const VIEWER: Viewer = { email: 'lead@example.org', csrfToken: 'token-123' };
const HOSTILE = '<script>alert(1)</script>';

const plan = (overrides: Partial<PersonPlan> = {}): PersonPlan => ({
  email: 'ana@example.org',
  participantId: 'panaaaaaaaaaa',
  leaves: [
    { roundId: 'autumn', roundStatus: 'running' },
    { roundId: 'winter', roundStatus: 'matched' },
  ],
  memberships: ['spring', 'autumn', 'winter'],
  profile: true,
  explanations: [{ roundId: 'autumn', partnershipId: 'tpairaaaaaaaa' }],
  inboundMails: ['m1', 'm2', 'm3', 'm4'],
  automaticAnswers: ['2027-04-10'],
  kept: { partnerships: 2, mails: 9, alerts: 1 },
  ...overrides,
});

describe('readAddress', () => {
  it('takes an address as the CLI does: trimmed and lower-cased', () => {
    expect(readAddress('  Ana@Example.ORG ')).toEqual({ ok: true, address: 'ana@example.org' });
  });

  it('says what is wrong with nothing, or with something that is no address', () => {
    expect(readAddress(' ')).toEqual({ ok: false, error: 'Enter an email address' });
    expect(readAddress(HOSTILE)).toMatchObject({ ok: false });
  });
});

describe('forgetSteps', () => {
  it('lists what forgetting does in the use case’s order, as the CLI does', () => {
    // Act
    const steps = forgetSteps(plan(), ['s3://b/inbound/m1', 's3://b/inbound/m2', 's3://b/inbound/m3']);

    // Assess
    expect(steps).toEqual([
      'Unsubscribes them from running round autumn (their partner is told and re-paired, as after an unsubscribe).',
      'Unsubscribes them from matched round winter (match it again before launching it).',
      'Removes name, address, organisation, interests, languages, time zone, notes and not-with list from their profile and 3 round memberships.',
      'Removes the matcher’s explanation from 1 partnership.',
      'Deletes 4 raw mails they sent (s3://b/inbound/m1, s3://b/inbound/m2, s3://b/inbound/m3, …) and the addresses on their arrival records.',
      'Deletes 1 record of automatic answers to their address.',
      'Deletes the email lookup: the address becomes unknown, and importing it again registers a new participant.',
      'Keeps, by participant id only: country, sector, career stage, statuses, check-in answers, 2 partnerships, 9 ledger rows and 1 alert, so round figures stay the same.',
    ]);
  });
});

describe('the people pages', () => {
  it('label the search, keep what was typed escaped, and tie the error to it', () => {
    // Act
    const html = peoplePage({
      viewer: VIEWER,
      value: HOSTILE,
      error: 'Enter an email address in the right form',
    });

    // Assess
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('<title>Error: People');
    expect(html).toContain('<label for="email">Email address</label>');
    expect(html).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('aria-describedby="email-hint email-error" aria-invalid="true"');
    expect(html).toContain('<li><a href="#email">Enter an email address in the right form</a></li>');
  });

  it('show the person found, their rounds in a table, and their export and forget links', () => {
    // Act
    const html = peoplePage({
      viewer: VIEWER,
      value: 'ana@example.org',
      found: {
        email: 'ana@example.org',
        participantId: 'panaaaaaaaaaa',
        rounds: [
          {
            roundId: 'spring',
            roundName: HOSTILE,
            roundStatus: 'closed',
            status: 'active',
            takingPart: false,
          },
          {
            roundId: 'autumn',
            roundName: 'Autumn',
            roundStatus: 'running',
            status: 'paused',
            takingPart: true,
          },
        ],
      },
    });

    // Assess
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('<dt>Rounds</dt><dd>2 rounds</dd>');
    expect(html).toContain(
      '<div class="table-wrap" role="region" aria-labelledby="rounds-caption" tabindex="0">',
    );
    expect(html).toContain(
      '<tr><th scope="row"><a href="/console/rounds/autumn">autumn</a></th><td>Autumn</td><td>running</td><td>paused</td><td>Unsubscribes them first</td></tr>',
    );
    expect(html).toContain('<a href="/console/people/panaaaaaaaaaa/export.json" download>');
    expect(html).toContain('<a href="/console/people/panaaaaaaaaaa/forget">Forget this person</a>');
  });

  it('say who was just forgotten, by id', () => {
    // Act
    const html = peoplePage({
      viewer: VIEWER,
      forgotten: { participantId: 'panaaaaaaaaaa', left: 2, refused: 1 },
    });

    // Assess
    expect(html).toContain(
      '<div class="notice" role="alert"><p>Participant panaaaaaaaaaa was forgotten: their address is unknown now. They were unsubscribed from 2 rounds first. In 1 round their status could not be changed; they get no mail there.</p></div>',
    );
  });

  it('ask for the address again on the forget page, with a labelled field and a warning button', () => {
    // Act
    const html = forgetPage({
      viewer: VIEWER,
      plan: plan({ email: 'a+<b>@example.org' }),
      rawMailLocations: ['s3://b/inbound/m1'],
      value: HOSTILE,
      error: 'That is not their address',
    });

    // Assess
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toContain('<b>');
    expect(html).toContain('<h1>Forget a+&lt;b&gt;@example.org?</h1>');
    expect(html).toContain('<label for="confirm_email">Their email address</label>');
    expect(html).toContain(
      '<span class="hint" id="confirm_email-hint">Type a+&lt;b&gt;@example.org to confirm. This cannot be undone.</span>',
    );
    expect(html).toContain('<li><a href="#confirm_email">That is not their address</a></li>');
    expect(html).toContain('<form method="post" action="/console/people/panaaaaaaaaaa/forget" novalidate>');
    expect(html).toContain('<input type="hidden" name="csrf_token" value="token-123">');
    expect(html).toContain('<button type="submit" class="warning">Forget this person</button>');
  });

  it('explain the refusal of a round’s own coordinator, and a person not found', () => {
    // Act
    const forbidden = peopleForbiddenPage(VIEWER);
    const missing = personNotFoundPage(VIEWER, HOSTILE);

    // Assess
    expect(forbidden).toContain('<h1>You cannot answer data-subject requests</h1>');
    expect(forbidden).toContain('their export and their erasure reach every one of those rounds');
    expect(missing).not.toContain(HOSTILE);
  });
});
