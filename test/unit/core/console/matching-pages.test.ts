import { describe, expect, it } from 'vitest';
import {
  type MatchingNotice,
  type MatchingPageInput,
  matchingNoticeQuery,
  matchingPage,
  readMatchingNotice,
} from '#core/console/matching-pages';
import { MatchSettings } from '#core/coordinator/matching/index';

const viewer = { email: 'stage@example.org', csrfToken: 'csrf-token' };
const SCRIPT = '<script>alert("x")</script>';
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;';

const person = (seed: string, name = seed, country = 'NZ') => ({
  id: `p${seed.padEnd(12, 'a')}`,
  name,
  email: `${seed}@example.org`,
  country,
});
const ana = person('ana', 'Ana Silva', 'BR');
const ben = person('ben', 'Ben Okafor', 'NG');
const cleo = person('cleo', 'Cleo Martin', 'FR');
const dev = person('dev', 'Dev Patel', 'IN');

/** A matched round's page: one pair, Dev without a partner. */
const input = (overrides: Partial<MatchingPageInput> = {}): MatchingPageInput => ({
  viewer,
  round: { id: 'spring-2027', name: 'Spring <2027>', status: 'matched' },
  settings: MatchSettings.parse({}),
  cohort: { active: 4, inactive: 0 },
  partnerships: [
    {
      id: 'tpairaaaaaaaa',
      members: [ana, ben],
      score: 71,
      explanation: 'different sectors: public ↔ academic',
      locked: false,
    },
    { id: 'tlockedaaaaaa', members: [cleo, person('eli', 'Eli', 'KE')], score: 40, locked: true },
  ],
  alone: [{ person: dev, reason: 'no feasible partner' }],
  people: [ana, ben, cleo, dev],
  ...overrides,
});

/** Every select of a page, and whether a label points at it. */
const unlabelledSelects = (html: string): string[] => {
  const labelled = new Set([...html.matchAll(/<label for="([^"]+)"/g)].map((m) => m[1]));
  return [...html.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)]
    .map((m) => m[1] as string)
    .filter((id) => !labelled.has(id));
};

describe('matchingPage', () => {
  it('shows names, the round’s name and explanations holding markup as text', () => {
    // Prepare
    const evil = { ...person('evil'), name: SCRIPT };
    const page = input({
      partnerships: [
        { id: 'tevilaaaaaaaa', members: [ana, evil], score: 1, explanation: SCRIPT, locked: false },
      ],
      alone: [{ person: evil, reason: SCRIPT }],
      people: [ana, evil],
    });

    // Act
    const html = matchingPage(page);

    // Assess
    expect(html).not.toContain('<script>');
    expect(html).toContain(`${ESCAPED}<span class="hint">evil@example.org, NZ</span>`);
    expect(html).toContain(`<td>${ESCAPED}</td>`);
    expect(html).toContain(`<th scope="row">${ESCAPED}</th>`);
    expect(html).toContain(
      `<option value="${evil.id}">${ESCAPED} (evil@example.org), partnership 1</option>`,
    );
    expect(html).toContain('<h1>Matching: Spring &lt;2027&gt;</h1>');
  });

  it('shows each partnership with its score, explanation, lock and a lock or unlock button', () => {
    // Act
    const html = matchingPage(input());

    // Assess
    expect(html).toContain(
      '<tr><th scope="row">1<span class="hint">Pair</span></th>' +
        '<td>Ana Silva<span class="hint">ana@example.org, BR</span>Ben Okafor<span class="hint">ben@example.org, NG</span></td>' +
        '<td>71</td><td>different sectors: public ↔ academic</td><td>No</td>',
    );
    expect(html).toContain('action="/console/rounds/spring-2027/matching/lock"');
    expect(html).toContain('<input type="hidden" name="partnership" value="tpairaaaaaaaa">');
    expect(html).toContain('Lock<span class="hidden-text"> partnership 1</span>');
    expect(html).toContain('action="/console/rounds/spring-2027/matching/unlock"');
    expect(html).toContain('Unlock<span class="hidden-text"> partnership 2</span>');
    expect(html).toContain('2 partnerships: 2 pairs and 0 of three, 1 locked; total score 111.');
    expect(html).toContain('href="/console/rounds/spring-2027/matching/review.csv"');
  });

  it('gives each table header a scope and wraps each table in a region that scrolls at 375 px', () => {
    // Act
    const html = matchingPage(input());

    // Assess
    const headers = [...html.matchAll(/<th(?: [^>]*)?>/g)].map((m) => m[0]);
    expect(headers.length).toBeGreaterThan(0);
    expect(headers.every((h) => /scope="(col|row)"/.test(h))).toBe(true);
    expect(html.match(/<table>/g)).toHaveLength(2);
    expect(
      html.match(/<div class="table-wrap" role="region" aria-labelledby="[a-z-]+" tabindex="0"><table>/g),
    ).toHaveLength(2);
    expect(html).toContain(
      '<caption id="proposal-caption">Partnerships proposed for Spring &lt;2027&gt;</caption>',
    );
  });

  it('lists who is without a partner, with the matcher’s reason and what it means', () => {
    // Act
    const html = matchingPage(input());

    // Assess
    expect(html).toContain(
      '<tr><th scope="row">Dev Patel</th><td>dev@example.org</td><td>IN</td><td>no feasible partner<span class="hint">nobody else meets the hard constraints with them</span></td></tr>',
    );
  });

  it('labels every select of the move and swap forms, and posts each with the CSRF token', () => {
    // Act
    const html = matchingPage(input());

    // Assess
    expect(unlabelledSelects(html)).toEqual([]);
    for (const id of ['move_person', 'move_to', 'swap_first', 'swap_second']) {
      expect(html).toContain(`<select id="${id}" name="${id}"`);
    }
    expect(html).toContain('<option value="tpairaaaaaaaa">1: Ana Silva, Ben Okafor</option>');
    expect(html).toContain('Dev Patel (dev@example.org), no partnership');
    const forms = html.match(/<form method="post"[^>]*>/g) ?? [];
    const tokens = html.match(/<input type="hidden" name="csrf_token" value="csrf-token">/g) ?? [];
    expect(tokens).toHaveLength(forms.length);
  });

  it('offers a round with no proposal one button, naming how many people it matches, with the settings', () => {
    // Act
    const html = matchingPage(
      input({
        round: { id: 'spring-2027', name: 'Spring', status: 'draft' },
        partnerships: [],
        alone: [],
        cohort: { active: 12, inactive: 2 },
      }),
    );

    // Assess
    expect(html).toContain(
      '<button type="submit" id="run" aria-describedby="run-hint">Match 12 people</button>',
    );
    expect(html).toContain('2 members get no mail');
    expect(html).toContain('Matching takes a few seconds for a large round');
    expect(html).toContain(
      '<dt>Weights (points)</dt><dd>sector 25, career stage 15, interests 35, time zone 25</dd>',
    );
    expect(html).toContain('<dt>Country cap</dt><dd>At most 20 % of the cohort from one country</dd>');
    expect(html).not.toContain('id="move_person"');
  });

  it('offers a matched round the re-match around the locked pairs, and matching everyone again', () => {
    // Act
    const html = matchingPage(input());

    // Assess
    expect(html).toContain(
      'name="keep_locked" value="yes" aria-describedby="run-hint">Re-match around the locked pairs</button>',
    );
    expect(html).toContain(
      'name="keep_locked" value="no" aria-describedby="run-hint">Match everyone again</button>',
    );
    expect(html).toContain('keeps the 1 locked partnership');
  });

  it('shows a launched round’s partnerships without a form that would change them', () => {
    // Act
    const html = matchingPage(input({ round: { id: 'spring-2027', name: 'Spring', status: 'running' } }));

    // Assess
    expect(html).toContain('The round is running');
    expect(html).toContain('<td>71</td>');
    expect(html).not.toContain('action="/console/rounds/spring-2027/matching');
    expect(html).not.toContain('Without a partner');
  });

  it('says first why an edit was refused, each problem linking to the form, the choices kept', () => {
    // Act
    const html = matchingPage(
      input({
        refusal: {
          action: 'move',
          lead: 'Nothing was changed: the move breaks the rules.',
          messages: ['ana@example.org and eru@example.org cannot be partners: both are in NZ'],
        },
        values: { move_person: dev.id, move_to: 'tpairaaaaaaaa' },
      }),
    );

    // Assess
    expect(html.indexOf('class="summary-box"')).toBeLessThan(html.indexOf('<h1>'));
    expect(html).toContain(
      '<li><a href="#move_person">ana@example.org and eru@example.org cannot be partners: both are in NZ</a></li>',
    );
    expect(html).toContain(`<option value="${dev.id}" selected>`);
    expect(html).toContain('<option value="tpairaaaaaaaa" selected>');
    expect(html).toContain('<title>Error: ');
  });

  it('ties a select’s error to it', () => {
    // Act
    const html = matchingPage(input({ errors: { swap_second: 'Choose the second person' } }));

    // Assess
    expect(html).toContain('<li><a href="#swap_second">Choose the second person</a></li>');
    expect(html).toContain(
      '<select id="swap_second" name="swap_second" aria-describedby="swap_second-hint swap_second-error" aria-invalid="true">',
    );
  });
});

describe('the notice after a change', () => {
  it('reads back what its query wrote', () => {
    const notices: MatchingNotice[] = [
      { done: 'matched', pairs: 980, triads: 13, kept: 2, alone: 1, ms: 480 },
      { done: 'matched', pairs: 3, triads: 0, kept: 0, alone: 0, ms: 5, gap: 12 },
      { done: 'none' },
      { done: 'moved' },
      { done: 'unlocked' },
    ];

    for (const notice of notices) {
      const query = new URLSearchParams(matchingNoticeQuery(notice));
      expect(readMatchingNotice((name) => query.get(name) ?? undefined)).toEqual(notice);
    }
  });

  it('says what matching did, and ignores what is not a count', () => {
    const query = new URLSearchParams('done=matched&pairs=2&triads=1&kept=0&alone=<b>&ms=40');

    const notice = readMatchingNotice((name) => query.get(name) ?? undefined);
    const html = matchingPage(input(notice ? { notice } : {}));

    expect(html).toContain(
      'Matched in 40 ms: 2 pairs, 1 of three; 0 people without a partner. The matching is proven optimal.',
    );
    expect(readMatchingNotice(() => 'anything')).toBeUndefined();
  });
});
