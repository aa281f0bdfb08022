import { describe, expect, it } from 'vitest';
import {
  MATCHES_COLUMNS,
  MatchesFileError,
  matchesCsv,
  type ProposalState,
  parseMatchesCsv,
  proposalFromFile,
} from '#core/coordinator/matches-file';
import type { MatchConfigInput } from '#core/coordinator/matching/index';
import { describeGroup, matchParticipantsOf } from '#core/coordinator/proposal';
import type { Member } from '#core/model';
import { aMember, aPartnership, partnershipId } from '../fixtures.ts';

const ROUND_ID = 'spring-2025';
const config: MatchConfigInput = { referenceDate: '2026-03-02' };
const noPast = new Map<string, Set<string>>();

const pairId = partnershipId('pair');
const trioId = partnershipId('trio');

// Everyone speaks English unless said otherwise; each is in a country of their own but Tama (NZ, like Aroha).
const aroha = aMember({ seed: 'aroha', partnershipId: pairId, interests: ['archives'] });
const priya = aMember({
  seed: 'priya',
  country: 'IN',
  timezone: 'Asia/Kolkata',
  sector: 'academic',
  partnershipId: pairId,
});
const carla = aMember({
  seed: 'carla',
  country: 'BR',
  languages: ['pt', 'en'],
  timezone: 'America/Sao_Paulo',
  partnershipId: trioId,
});
const dana = aMember({ seed: 'dana', country: 'US', timezone: 'America/Chicago', partnershipId: trioId });
const eli = aMember({ seed: 'eli', country: 'FR', timezone: 'Europe/Paris', partnershipId: trioId });
const tama = aMember({ seed: 'tama', country: 'NZ' });
const sam = aMember({ seed: 'sam', country: 'GB', timezone: 'Europe/London', status: 'suppressed' });
const uma = aMember({ seed: 'uma', country: 'ZA', timezone: 'Africa/Johannesburg', status: 'unsubscribed' });
const gus = aMember({ seed: 'gus', country: 'DE', timezone: 'Europe/Berlin', languages: ['de'] });
const noor = aMember({
  seed: 'noor',
  country: 'EG',
  timezone: 'Africa/Cairo',
  notWith: ['aroha@example.org'],
});

const pair = aPartnership('pair', [priya, aroha], {
  locked: true,
  score: 80,
  explanation: 'shared interests: archives, outreach',
});
const trio = aPartnership('trio', [eli, dana, carla], { score: 190, explanation: 'three reasons' });

const state: ProposalState = {
  roundId: ROUND_ID,
  members: [aroha, priya, carla, dana, eli, tama, sam, uma, gus, noor],
  partnerships: [trio, pair],
};

/** A review file: the header, then the rows, as a coordinator might save it (LF line ends). */
const file = (...rows: string[]) => ['partnership_id,locked,email_1,email_2,email_3', ...rows].join('\n');

describe('matchesCsv', () => {
  it('writes the header, the partnerships by their first address, then everyone without one', () => {
    // Act
    const text = matchesCsv(state);

    // Assess
    expect(text.split('\r\n')).toEqual([
      MATCHES_COLUMNS.join(','),
      `${pairId},yes,aroha@example.org,priya@example.org,,Aroha,Priya,,NZ;IN,80,"shared interests: archives, outreach"`,
      `${trioId},,carla@example.org,dana@example.org,eli@example.org,Carla,Dana,Eli,BR;US;FR,190,three reasons`,
      ',,gus@example.org,,,Gus,,,DE,,no partnership',
      ',,noor@example.org,,,Noor,,,EG,,no partnership',
      ',,sam@example.org,,,Sam,,,GB,,"suppressed: gets no mail, cannot be partnered"',
      ',,tama@example.org,,,Tama,,,NZ,,no partnership',
      ',,uma@example.org,,,Uma,,,ZA,,"unsubscribed: gets no mail, cannot be partnered"',
      '',
    ]);
  });

  it('ends every record with CRLF', () => {
    // Act
    const text = matchesCsv(state);

    // Assess
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });

  it('leaves score and explanation blank when the partnership has none', () => {
    // Prepare
    const bare = aPartnership('pair', [aroha, priya]);

    // Act
    const text = matchesCsv({ roundId: ROUND_ID, members: [aroha, priya], partnerships: [bare] });

    // Assess
    expect(text.split('\r\n')[1]).toBe(
      `${pairId},,aroha@example.org,priya@example.org,,Aroha,Priya,,NZ;IN,,`,
    );
  });

  it('quotes values holding quotes and line breaks', () => {
    // Prepare
    const odd = aPartnership('pair', [aroha, priya], { explanation: 'said "hi"\nthen left' });

    // Act
    const text = matchesCsv({ roundId: ROUND_ID, members: [aroha, priya], partnerships: [odd] });

    // Assess
    expect(text).toContain(',"said ""hi""\nthen left"\r\n');
  });

  it('reads back as the same partnerships, with no issues', () => {
    // Prepare: a line break in an explanation makes its record span two lines.
    const multiline = { ...state, partnerships: [trio, { ...pair, explanation: 'first line\nsecond' }] };

    // Act
    const parsed = parseMatchesCsv(matchesCsv(multiline), multiline, noPast);

    // Assess
    expect(parsed.issues).toEqual([]);
    expect(parsed.groups).toEqual([
      { line: 2, members: [aroha.id, priya.id], locked: true },
      { line: 4, members: [carla.id, dana.id, eli.id] },
    ]);
    expect(parsed.alone).toEqual([
      'tama@example.org',
      'sam@example.org',
      'uma@example.org',
      'gus@example.org',
      'noor@example.org',
    ]);
  });
});

describe('parseMatchesCsv', () => {
  it('reads rows of two and three, by participant id, whatever the case of the addresses', () => {
    // Prepare
    const text = file(
      `,,AROHA@Example.org,priya@example.org,`,
      `,, carla@example.org ,dana@example.org,eli@example.org`,
    );

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([]);
    expect(parsed.groups).toEqual([
      { line: 2, members: [aroha.id, priya.id] },
      { line: 3, members: [carla.id, dana.id, eli.id] },
    ]);
  });

  it('finds the columns by name, in any order and case, and needs only the e-mail ones', () => {
    // Prepare
    const text = ['Email_2,note,EMAIL_1', 'priya@example.org,hello,aroha@example.org'].join('\n');

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([]);
    expect(parsed.groups).toEqual([{ line: 2, members: [aroha.id, priya.id] }]);
  });

  it.each([
    ['yes', true],
    ['Y', true],
    ['TRUE', true],
    ['1', true],
    [' no ', false],
    ['n', false],
    ['false', false],
    ['0', false],
  ])('reads locked "%s" as %s', (cell, locked) => {
    // Prepare
    const text = file(`,${cell},aroha@example.org,priya@example.org,`);

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([]);
    expect(parsed.groups).toEqual([{ line: 2, members: [aroha.id, priya.id], locked }]);
  });

  it('reports a locked value that is neither yes nor no', () => {
    // Prepare
    const text = file(`,maybe,aroha@example.org,priya@example.org,`);

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([{ line: 2, field: 'locked', message: 'expected yes or no, got "maybe"' }]);
    expect(parsed.groups).toEqual([{ line: 2, members: [aroha.id, priya.id] }]);
  });

  it('reports an address that is not a member of the round', () => {
    // Prepare
    const text = file(`,,aroha@example.org,Stranger@example.org,`);

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([
      {
        line: 2,
        field: 'email_2',
        message: 'stranger@example.org is not registered for round spring-2025',
      },
    ]);
    expect(parsed.groups).toEqual([]);
    expect(parsed.alone).toContain('aroha@example.org');
  });

  it('reports an address listed twice, naming the line it was first on', () => {
    // Prepare
    const text = file(
      `,,aroha@example.org,priya@example.org,`,
      `,,carla@example.org,dana@example.org,aroha@example.org`,
    );

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([
      { line: 3, field: 'email_3', message: 'aroha@example.org is already on line 2' },
    ]);
    expect(parsed.groups).toEqual([
      { line: 2, members: [aroha.id, priya.id] },
      { line: 3, members: [carla.id, dana.id] },
    ]);
  });

  it.each([
    [sam.email, 'suppressed'],
    [uma.email, 'unsubscribed'],
  ])('refuses to partner %s, who is %s', (email, status) => {
    // Prepare
    const text = file(`,,aroha@example.org,${email},`);

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([
      {
        line: 2,
        field: 'email_2',
        message: `${email} is ${status} and gets no mail: they cannot be partnered`,
      },
    ]);
  });

  it('lets an inactive member stand alone', () => {
    // Prepare
    const text = file(',,sam@example.org,,');

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([]);
    expect(parsed.groups).toEqual([]);
    expect(parsed.alone).toContain('sam@example.org');
  });

  it('refuses two members in the same country', () => {
    // Prepare
    const text = file(',,aroha@example.org,tama@example.org,');

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([
      {
        line: 2,
        field: 'email_1/email_2',
        message: 'aroha@example.org and tama@example.org cannot be partners: both are in NZ',
      },
    ]);
  });

  it('refuses two members without a shared language', () => {
    // Prepare
    const text = file(',,priya@example.org,gus@example.org,');

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([
      {
        line: 2,
        field: 'email_1/email_2',
        message:
          'priya@example.org and gus@example.org cannot be partners: no shared language (priya@example.org: en; gus@example.org: de)',
      },
    ]);
  });

  it('refuses partners from an earlier round, as the past-partners map has them', () => {
    // Prepare
    const past = new Map([[carla.id, new Set([aroha.id])]]);
    const text = file(',,aroha@example.org,carla@example.org,');

    // Act
    const parsed = parseMatchesCsv(text, state, past);

    // Assess
    expect(parsed.issues).toEqual([
      {
        line: 2,
        field: 'email_1/email_2',
        message:
          'aroha@example.org and carla@example.org cannot be partners: they were partners in an earlier round',
      },
    ]);
  });

  it('refuses a pair one of them asked not to be in, naming the columns of the pair in a triad', () => {
    // Prepare
    const text = file(',,priya@example.org,aroha@example.org,noor@example.org');

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([
      {
        line: 2,
        field: 'email_2/email_3',
        message:
          'aroha@example.org and noor@example.org cannot be partners: noor@example.org asked not to be partnered with aroha@example.org',
      },
    ]);
  });

  it('reports every problem in the file at once, in line order', () => {
    // Prepare
    const text = file(
      ',perhaps,aroha@example.org,tama@example.org,',
      ',,priya@example.org,nobody@example.org,',
      ',,carla@example.org,sam@example.org,tama@example.org',
    );

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues.map(({ line, field }) => `${line} ${field}`)).toEqual([
      '2 locked',
      '2 email_1/email_2',
      '3 email_2',
      '4 email_3',
      '4 email_2',
    ]);
    expect(parsed.issues[3]?.message).toBe('tama@example.org is already on line 2');
  });

  it('skips blank lines and still counts lines as the file has them', () => {
    // Prepare
    const text = [
      'email_1,email_2',
      '',
      'aroha@example.org,priya@example.org',
      '',
      ',',
      '"carla@example.org","dana@example.org"',
      '',
    ].join('\r\n');

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.groups.map((g) => g.line)).toEqual([3, 6]);
  });

  it('counts the lines of a quoted line break, so later rows keep their line numbers', () => {
    // Prepare
    const text = [
      'email_1,email_2,explanation',
      'aroha@example.org,priya@example.org,"one',
      'two"',
      'carla@example.org,stranger@example.org,',
    ].join('\n');

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([
      { line: 4, field: 'email_2', message: 'stranger@example.org is not registered for round spring-2025' },
    ]);
  });

  it('puts members the file does not list, or lists alone, among those alone', () => {
    // Prepare
    const text = file(',,aroha@example.org,priya@example.org,', ',,tama@example.org,,');

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.alone).toEqual([
      'carla@example.org',
      'dana@example.org',
      'eli@example.org',
      'tama@example.org',
      'sam@example.org',
      'uma@example.org',
      'gus@example.org',
      'noor@example.org',
    ]);
  });

  it('refuses a header without the e-mail columns', () => {
    // Prepare
    const text = ['partnership_id,email_1,email', ',aroha@example.org,priya@example.org'].join('\n');

    // Act
    const act = () => parseMatchesCsv(text, state, noPast);

    // Assess
    expect(act).toThrow(MatchesFileError);
    expect(act).toThrow(/line 1: the header needs the column email_2 /);
  });

  it('names both e-mail columns when neither is there', () => {
    // Act
    const act = () => parseMatchesCsv('name,email\nAroha,aroha@example.org\n', state, noPast);

    // Assess
    expect(act).toThrow(/the header needs the columns email_1, email_2 /);
  });

  it.each([
    ['an empty', ''],
    ['a blank', '\n\r\n  \n'],
  ])('refuses %s file', (_, text) => {
    // Act
    const act = () => parseMatchesCsv(text, state, noPast);

    // Assess
    expect(act).toThrow(new MatchesFileError('the file is empty'));
  });

  it('refuses a file that is not CSV, as a MatchesFileError', () => {
    // Act
    const act = () => parseMatchesCsv('email_1,email_2\n"aroha@example.org,priya', state, noPast);

    // Assess
    expect(act).toThrow(MatchesFileError);
    expect(act).toThrow(/not a readable CSV file/);
  });
});

describe('parseMatchesCsv, when an earlier e-mail column is blank or rejected', () => {
  it('names the columns the pair is really in', () => {
    // Prepare: the coordinator cleared email_1 and left Aroha and Tama (both in NZ) in email_2 and email_3.
    const text = file(',,,aroha@example.org,tama@example.org');

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([
      {
        line: 2,
        field: 'email_2/email_3',
        message: 'aroha@example.org and tama@example.org cannot be partners: both are in NZ',
      },
    ]);
  });

  it('names the column an inactive member is really in', () => {
    // Prepare: a typo in email_1, the suppressed Sam in email_2.
    const text = file(',,arohaa@example.org,sam@example.org,priya@example.org');

    // Act
    const parsed = parseMatchesCsv(text, state, noPast);

    // Assess
    expect(parsed.issues).toEqual([
      { line: 2, field: 'email_1', message: 'arohaa@example.org is not registered for round spring-2025' },
      {
        line: 2,
        field: 'email_2',
        message: 'sam@example.org is suppressed and gets no mail: they cannot be partnered',
      },
    ]);
  });
});

describe('proposalFromFile', () => {
  const participants = matchParticipantsOf(state.members, noPast);
  const describedAs = (...members: Member[]) =>
    describeGroup(
      members.map(
        (m) => participants.find((p) => p.profile.email === m.email) as (typeof participants)[number],
      ),
      config,
    );

  it('keeps an unchanged partnership’s lock, score and explanation, whatever the order in the row', () => {
    // Prepare
    const parsed = parseMatchesCsv(
      file(',,priya@example.org,aroha@example.org,', ',,eli@example.org,carla@example.org,dana@example.org'),
      state,
      noPast,
    );

    // Act
    const proposal = proposalFromFile(parsed, state, noPast, config);

    // Assess
    expect(proposal).toEqual([
      {
        members: pair.members,
        locked: true,
        score: 80,
        explanation: 'shared interests: archives, outreach',
        changed: false,
      },
      { members: trio.members, locked: false, score: 190, explanation: 'three reasons', changed: false },
    ]);
  });

  it('lets an unchanged row unlock or lock its partnership when it says so', () => {
    // Prepare
    const parsed = parseMatchesCsv(
      file(
        ',no,aroha@example.org,priya@example.org,',
        ',yes,carla@example.org,dana@example.org,eli@example.org',
      ),
      state,
      noPast,
    );

    // Act
    const proposal = proposalFromFile(parsed, state, noPast, config);

    // Assess
    expect(proposal.map((p) => [p.locked, p.changed])).toEqual([
      [false, false],
      [true, false],
    ]);
  });

  it('omits the score and explanation an unchanged partnership never had', () => {
    // Prepare
    const bare = { ...state, partnerships: [aPartnership('pair', [aroha, priya])] };
    const parsed = parseMatchesCsv(file(',,aroha@example.org,priya@example.org,'), bare, noPast);

    // Act
    const [row] = proposalFromFile(parsed, bare, noPast, config);

    // Assess
    expect(row).toEqual({ members: [aroha.id, priya.id], locked: false, changed: false });
  });

  it('locks an edited row and scores it as the matcher would', () => {
    // Prepare
    const parsed = parseMatchesCsv(
      file(',,aroha@example.org,dana@example.org,', ',,priya@example.org,carla@example.org,eli@example.org'),
      state,
      noPast,
    );

    // Act
    const proposal = proposalFromFile(parsed, state, noPast, config);

    // Assess
    expect(proposal).toEqual([
      { members: [aroha.id, dana.id], locked: true, ...describedAs(aroha, dana), changed: true },
      {
        members: [priya.id, carla.id, eli.id],
        locked: true,
        ...describedAs(priya, carla, eli),
        changed: true,
      },
    ]);
    expect(proposal[0]?.score).toBeGreaterThan(0);
    expect(proposal[1]?.explanation?.split(' | ')).toHaveLength(3);
  });

  it('leaves an edited row unlocked when the row says no', () => {
    // Prepare
    const parsed = parseMatchesCsv(file(',no,aroha@example.org,dana@example.org,'), state, noPast);

    // Act
    const [row] = proposalFromFile(parsed, state, noPast, config);

    // Assess
    expect(row?.locked).toBe(false);
    expect(row?.changed).toBe(true);
  });

  it('treats a partnership that lost or gained a member as edited', () => {
    // Prepare
    const parsed = parseMatchesCsv(
      file(',,carla@example.org,dana@example.org,', ',,aroha@example.org,priya@example.org,eli@example.org'),
      state,
      noPast,
    );

    // Act
    const proposal = proposalFromFile(parsed, state, noPast, config);

    // Assess
    expect(proposal.map((p) => p.changed)).toEqual([true, true]);
    expect(proposal[0]?.score).toBe(describedAs(carla, dana).score);
  });
});
