import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#adapters/table-design';
import { newId } from '#core/ids';
import { type Member, Profile } from '#core/model';
import { localNames } from '#local/config';
import { clients, clockNow, DAY, seedRound, store, tandem } from './support.ts';

const HEADER =
  'email,name,country,languages,timezone,organisation,sector,career_stage,interests,not_with,pronouns';

/** Five people; lines 3, 5 and 6 have mistakes (line 5 two of them), lines 2 and 4 are fine. */
const WITH_MISTAKES = [
  HEADER,
  'imp.ana@example.org,Ana Souza,BR,pt;en,America/Sao_Paulo,Biblioteca Mário de Andrade,public,mid,outreach,,ela',
  'imp.bo@example.org,Bo Lind,Atlantis,sv;en,Europe/Stockholm,Stockholms stadsbibliotek,public,early,,,',
  'imp.chidi@example.org,Chidi Okeke,ng,EN;yor,africa/lagos,"Lagos State Library Board, Ikeja",public,senior,children and youth,imp.ana@example.org,he/him',
  'imp.dana@example.org,Dana Levi,IL,he;en,Mars/Olympus,Tel Aviv University Library,academic,veteran,,,',
  'imp.ana@example.org,Ana Souza (again),BR,pt,America/Sao_Paulo,,public,mid,,,',
].join('\n');

const EXPECTED_MISTAKES = [
  'line 2, email: "imp.ana@example.org" is also on line 6',
  'line 3, country: "Atlantis" is not an ISO 3166 country code',
  'line 5, timezone: "Mars/Olympus" is not an IANA time zone name such as Europe/Paris',
  'line 5, career_stage: "veteran" is not one of student, early, mid, senior',
  'line 6, email: "imp.ana@example.org" is also on line 2',
];

let folder: string;
const file = async (name: string, text: string) => {
  const path = join(folder, name);
  await writeFile(path, text);
  return path;
};

const startInAWeek = async () => new Date((await clockNow()).getTime() + 7 * DAY).toISOString().slice(0, 10);

const createRound = async (roundId: string) => {
  const result = await tandem('round', 'create', roundId, '--start', await startInAWeek());
  expect(result.code).toBe(0);
};

const membersOf = async (roundId: string): Promise<Member[]> => {
  const members: Member[] = [];
  for await (const page of store.listMembers(roundId)) members.push(...page);
  return members.sort((a, b) => a.email.localeCompare(b.email));
};

const isRegistered = async (email: string) => {
  const { Item } = await clients.document.send(
    new GetCommand({ TableName: localNames.tableName, Key: keys.email(email) }),
  );
  return Item !== undefined;
};

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'tandem-import-'));
});

describe('tandem round create', () => {
  it('creates a draft round with a topic every fortnight, a mid-round check-in and the default thresholds', async () => {
    // Act
    const result = await tandem(
      'round',
      'create',
      'it-imp-create',
      '--start',
      '2027-04-05',
      '--weeks',
      '12',
      '--name',
      'Spring exchange 2027',
      '--coordinator',
      'Coordinator@Example.org',
      '--json',
    );

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      roundId: 'it-imp-create',
      name: 'Spring exchange 2027',
      status: 'draft',
      startDate: '2027-04-05',
      endDate: '2027-06-28',
      weeks: 12,
      topicDays: [0, 14, 28, 42, 56, 70],
      checkinDays: [49],
      inactivityDays: 21,
      escalationDays: 7,
      coordinatorEmail: 'coordinator@example.org',
    });
    expect(await store.getRound('it-imp-create')).toMatchObject({
      status: 'draft',
      weeks: 12,
      topicDays: [0, 14, 28, 42, 56, 70],
      checkinDays: [49],
      coordinatorEmail: 'coordinator@example.org',
    });
  });

  it('defaults to 16 weeks, eight topics and the round id as its name', async () => {
    const result = await tandem('round', 'create', 'it-imp-default', '--start', '2027-04-05');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created round it-imp-default');
    expect(await store.getRound('it-imp-default')).toMatchObject({
      name: 'it-imp-default',
      weeks: 16,
      topicDays: [0, 14, 28, 42, 56, 70, 84, 98],
      checkinDays: [63],
    });
  });

  it('refuses a round id that is taken, with exit code 1, and changes nothing', async () => {
    const result = await tandem('round', 'create', 'it-imp-create', '--start', '2028-01-03', '--weeks', '4');

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('round it-imp-create already exists (draft, starting 2027-04-05)');
    expect(await store.getRound('it-imp-create')).toMatchObject({ startDate: '2027-04-05', weeks: 12 });
  });

  it.each([
    [['Not A Round', '--start', '2027-04-05'], 'roundId "Not A Round"'],
    [['it-imp-bad', '--start', '2027-02-30'], '--start: expected a date as YYYY-MM-DD, got "2027-02-30"'],
    [
      ['it-imp-bad', '--start', '2027-04-05', '--weeks', '0'],
      '--weeks: expected a whole number from 1 to 104',
    ],
    [
      ['it-imp-bad', '--start', '2027-04-05', '--coordinator', 'nobody'],
      '--coordinator: "nobody" is not an email',
    ],
    [['it-imp-bad'], "required option '--start <date>' not specified"],
  ])('rejects bad arguments %j with exit code 2', async (args, message) => {
    const result = await tandem('round', 'create', ...args);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(await store.getRound('it-imp-bad')).toBeUndefined();
  });
});

describe('tandem participants import', () => {
  it('lists every mistake with its line and field, imports nothing and exits with 2', async () => {
    // Prepare
    await createRound('it-imp-mistakes');
    const path = await file('mistakes.csv', WITH_MISTAKES);

    // Act
    const result = await tandem('participants', 'import', path, '--round', 'it-imp-mistakes');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').slice(0, EXPECTED_MISTAKES.length)).toEqual(EXPECTED_MISTAKES);
    expect(result.stderr).toContain(
      'mistakes.csv: 5 problems in 4 of 5 rows; nothing was imported (fix them, or import the 1 valid row with --skip-invalid)',
    );
    expect(await membersOf('it-imp-mistakes')).toEqual([]);
    expect(await isRegistered('imp.chidi@example.org')).toBe(false);
  });

  it('prints the mistakes as JSON for scripts', async () => {
    const path = await file('mistakes-json.csv', WITH_MISTAKES);

    const result = await tandem('participants', 'import', path, '--round', 'it-imp-mistakes', '--json');

    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      roundId: 'it-imp-mistakes',
      rows: 5,
      imported: 0,
      updated: 0,
      skipped: [],
    });
    expect(report.errors).toContainEqual({
      line: 3,
      field: 'country',
      message: '"Atlantis" is not an ISO 3166 country code',
    });
    expect(report.errors).toHaveLength(EXPECTED_MISTAKES.length);
  });

  it('with --skip-invalid imports the valid rows, normalised, and lists the skipped ones', async () => {
    // Prepare
    await createRound('it-imp-skip');
    const path = await file('skip.csv', WITH_MISTAKES);

    // Act
    const result = await tandem(
      'participants',
      'import',
      path,
      '--round',
      'it-imp-skip',
      '--skip-invalid',
      '--json',
    );

    // Assess
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ imported: 1, updated: 0, errors: [] });
    expect(report.skipped.map((s: { line: number }) => s.line)).toEqual([2, 3, 5, 5, 6]);
    const [chidi] = await membersOf('it-imp-skip');
    expect(chidi).toMatchObject({
      email: 'imp.chidi@example.org',
      country: 'NG',
      languages: ['en', 'yo'],
      timezone: 'Africa/Lagos',
      organisation: 'Lagos State Library Board, Ikeja',
      notWith: ['imp.ana@example.org'],
      notes: { pronouns: 'he/him' },
      status: 'active',
    });
    expect(await isRegistered('imp.bo@example.org')).toBe(false);
  });

  it('is harmless to repeat: the same participant ids, no duplicate members, profiles updated', async () => {
    // Prepare
    await createRound('it-imp-again');
    const rows = [
      HEADER,
      'imp.eve@example.org,Eve Adams,GB,en,Europe/London,Leeds Libraries,public,mid,outreach,,',
      'imp.femi@example.org,Femi Balogun,NG,en;yo,Africa/Lagos,University of Ibadan,academic,early,,,',
    ];
    const first = await tandem(
      'participants',
      'import',
      await file('again.csv', rows.join('\n')),
      '--round',
      'it-imp-again',
      '--json',
    );
    const before = await membersOf('it-imp-again');

    // Act
    rows[1] = rows[1]?.replace('Leeds Libraries', 'Leeds Central Library') as string;
    const second = await tandem(
      'participants',
      'import',
      await file('again-2.csv', rows.join('\n')),
      '--round',
      'it-imp-again',
    );

    // Assess
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ imported: 2, updated: 0 });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Imported 2 registrations from');
    expect(second.stdout).toContain('into round it-imp-again: 0 new, 2 updated.');
    const after = await membersOf('it-imp-again');
    expect(after.map((m) => m.id)).toEqual(before.map((m) => m.id));
    expect(after[0]?.organisation).toBe('Leeds Central Library');
  });

  it('registers someone whose address was suppressed before, and says they will get no mail', async () => {
    // Prepare: imp.gwen took part in an earlier round, where a hard bounce suppressed her profile.
    await createRound('it-imp-suppressed');
    const gwen = await store.upsertParticipant(
      Profile.parse({
        email: 'imp.gwen@example.org',
        name: 'Gwen Evans',
        country: 'GB',
        languages: ['en', 'cy'],
        timezone: 'Europe/London',
        sector: 'public',
        careerStage: 'mid',
      }),
      () => newId('p', randomBytes),
    );
    await clients.document.send(
      new UpdateCommand({
        TableName: localNames.tableName,
        Key: keys.participant(gwen.id),
        UpdateExpression: 'SET #status = :suppressed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':suppressed': 'suppressed' },
      }),
    );
    const path = await file(
      'suppressed.csv',
      [HEADER, 'imp.gwen@example.org,Gwen Evans,GB,en;cy,Europe/London,Cardiff Libraries,public,mid,,,'].join(
        '\n',
      ),
    );

    // Act
    const result = await tandem('participants', 'import', path, '--round', 'it-imp-suppressed', '--json');

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      imported: 1,
      inactive: [{ line: 2, email: 'imp.gwen@example.org', status: 'suppressed' }],
    });
    expect((await membersOf('it-imp-suppressed'))[0]?.status).toBe('suppressed');
  });

  it('imports the example cohort cleanly into a new round', async () => {
    await createRound('it-imp-example');

    const result = await tandem(
      'participants',
      'import',
      'examples/cohort.csv',
      '--round',
      'it-imp-example',
      '--json',
    );

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ roundId: 'it-imp-example', skipped: [], errors: [], updated: 0 });
    expect(report.imported).toBe(report.rows);
    const members = await membersOf('it-imp-example');
    expect(members).toHaveLength(report.rows);
    expect(new Set(members.map((m) => m.country)).size).toBeGreaterThanOrEqual(8);
  });

  it('reads the JSON format', async () => {
    await createRound('it-imp-json');
    const path = await file(
      'cohort.json',
      JSON.stringify([
        {
          email: 'imp.gil@example.org',
          name: 'Gil Costa',
          country: 'PRT',
          languages: ['por', 'en'],
          timezone: 'Europe/Lisbon',
          sector: 'school',
          careerStage: 'student',
          interests: 'reading promotion;makerspaces',
        },
      ]),
    );

    const result = await tandem('participants', 'import', path, '--round', 'it-imp-json', '--json');

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ format: 'json', imported: 1 });
    expect((await membersOf('it-imp-json'))[0]).toMatchObject({ country: 'PT', languages: ['pt', 'en'] });
  });

  it('refuses a round that does not exist or is no longer a draft, with exit code 1', async () => {
    await seedRound('it-imp-matched', 2);
    const path = await file(
      'late.csv',
      [HEADER, 'imp.hana@example.org,Hana Sato,JP,ja,Asia/Tokyo,,public,mid,,,'].join('\n'),
    );

    const missing = await tandem('participants', 'import', path, '--round', 'it-imp-nowhere');
    const matched = await tandem('participants', 'import', path, '--round', 'it-imp-matched');

    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('round it-imp-nowhere does not exist');
    expect(matched.code).toBe(1);
    expect(matched.stderr).toContain(
      'round it-imp-matched is matched: participants can only be imported into a draft round, before matching',
    );
    expect(await isRegistered('imp.hana@example.org')).toBe(false);
  });

  it('refuses a file that is not a registrations file, with exit code 2', async () => {
    const path = await file('wrong.csv', 'id;name;email\n1;Ann;ann@example.org\n');

    const result = await tandem('participants', 'import', path, '--round', 'it-imp-mistakes');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line 1 (the header): columns must be separated by commas');
  });
});
