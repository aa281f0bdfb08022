import { stringify } from 'csv-stringify/sync';
import * as z from 'zod';
import type { Member, Partnership } from '../model.ts';
import { CsvFileError, readCsvRecords } from './csv-records.ts';
import { type MatchConfigInput, pairProblems } from './matching/index.ts';
import { describeGroup, matchParticipantsOf } from './proposal.ts';

/**
 * The review file: one row per proposed partnership, then one per member without one. A coordinator
 * edits the e-mail columns (and `locked`); names, countries, score and explanation are for reading and
 * are ignored on import.
 */
export const MATCHES_COLUMNS = [
  'partnership_id',
  'locked',
  'email_1',
  'email_2',
  'email_3',
  'name_1',
  'name_2',
  'name_3',
  'countries',
  'score',
  'explanation',
] as const;

const EMAIL_COLUMNS = ['email_1', 'email_2', 'email_3'] as const;
/** Partnerships in a file, plus members without one: more rows than any cohort has. */
export const MAX_MATCHES_ROWS = 20_000;

export interface ProposalState {
  roundId: string;
  members: readonly Member[];
  partnerships: readonly Partnership[];
}

/** Writes the proposal as the review CSV (RFC 4180, CRLF line ends). */
export const matchesCsv = (state: ProposalState): string => {
  const byId = new Map(state.members.map((m) => [m.id, m] as const));
  const rows = state.partnerships
    .map((p) => {
      const members = p.members
        .flatMap((id) => byId.get(id) ?? [])
        .sort((a, b) => a.email.localeCompare(b.email));
      return { p, members };
    })
    .sort((a, b) => (a.members[0]?.email ?? '').localeCompare(b.members[0]?.email ?? ''))
    .map(({ p, members }) => [
      p.id,
      // Blank, not "no": a row the coordinator edits without saying otherwise is locked on import.
      p.locked ? 'yes' : '',
      ...EMAIL_COLUMNS.map((_, i) => members[i]?.email ?? ''),
      ...EMAIL_COLUMNS.map((_, i) => members[i]?.name ?? ''),
      members.map((m) => m.country).join(';'),
      p.score ?? '',
      p.explanation ?? '',
    ]);
  const alone = state.members
    .filter((m) => !m.partnershipId)
    .sort((a, b) => a.email.localeCompare(b.email))
    .map((m) => [
      '',
      '',
      m.email,
      '',
      '',
      m.name,
      '',
      '',
      m.country,
      '',
      m.status === 'active' ? 'no partnership' : `${m.status}: gets no mail, cannot be partnered`,
    ]);
  return stringify([...rows, ...alone], {
    header: true,
    columns: [...MATCHES_COLUMNS],
    record_delimiter: 'windows',
  });
};

/** A problem on one line of the file, by column (`email_2`), or `row` for the row as a whole. */
export interface MatchesIssue {
  line: number;
  field: string;
  message: string;
}

/** The file cannot be used at all (not CSV, no e-mail columns). */
export class MatchesFileError extends Error {
  override name = 'MatchesFileError';
}

export interface ParsedMatches {
  /** Rows of two or three members, by participant id; `locked` when the row says yes or no. */
  groups: { line: number; members: string[]; locked?: boolean }[];
  /** Every problem, in line order; when there is any, nothing should be changed. */
  issues: MatchesIssue[];
  /** Members listed alone or not at all: they will have no partnership. */
  alone: string[];
}

const Locked = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['', 'yes', 'no', 'true', 'false', '1', '0', 'y', 'n']))
  .transform((v) => (v === '' ? undefined : ['yes', 'true', '1', 'y'].includes(v)));

/** The columns of a review file the import reads (the others are for reading). */
export type ReviewColumn = (typeof EMAIL_COLUMNS)[number] | 'locked';

/**
 * One row of a review file as the import reads it: the line it is on, and what its e-mail columns and
 * `locked` say, as written (a column missing or blank: absent or empty).
 */
export interface ReviewRow {
  line: number;
  cells: Partial<Record<ReviewColumn, string>>;
}

/**
 * Reads the rows of a review file (CSV, a header first that names at least `email_1` and `email_2`, in
 * any order and case), without checking them against the round: see `checkReviewRows`.
 * @throws {MatchesFileError} when the text is no review file at all.
 */
export const readMatchesCsv = (text: string): ReviewRow[] => {
  let records: ReturnType<typeof readCsvRecords>;
  try {
    records = readCsvRecords(text);
  } catch (error) {
    if (error instanceof CsvFileError) throw new MatchesFileError(error.message, { cause: error });
    throw error;
  }
  const [header, ...data] = records;
  if (!header) throw new MatchesFileError('the file is empty');
  const column = new Map(header.cells.map((name, i) => [name.trim().toLowerCase(), i] as const));
  const missing = ['email_1', 'email_2'].filter((name) => !column.has(name));
  if (missing.length > 0) {
    throw new MatchesFileError(
      `line ${header.line}: the header needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (export a proposal with \`tandem matches export\` to start from)`,
    );
  }
  if (data.length > MAX_MATCHES_ROWS) {
    throw new MatchesFileError(`${data.length} rows: at most ${MAX_MATCHES_ROWS}`);
  }
  const columns: readonly ReviewColumn[] = [...EMAIL_COLUMNS, 'locked'];
  return data.map(({ line, cells }) => ({
    line,
    cells: Object.fromEntries(
      columns.flatMap((name) => {
        const i = column.get(name);
        return i === undefined ? [] : [[name, cells[i] ?? '']];
      }),
    ),
  }));
};

/**
 * Checks the rows of a review file against the round — the file read by `readMatchesCsv`, or the rows a
 * coordinator's edit in the console makes of the proposal (`editedRows`): every address must be a member,
 * appear once and be able to receive mail, and every two members of a row must meet the hard
 * constraints (different countries, a shared language, not partners before, on neither's not-with
 * list). All problems are reported, each with its line and column.
 */
export const checkReviewRows = (
  rows: readonly ReviewRow[],
  state: ProposalState,
  pastPartners: ReadonlyMap<string, ReadonlySet<string>>,
): ParsedMatches => {
  const byEmail = new Map(state.members.map((m) => [m.email, m] as const));
  const participants = new Map(
    matchParticipantsOf(state.members, pastPartners).map((p) => [p.profile.email, p] as const),
  );
  const seenOn = new Map<string, number>();
  const issues: MatchesIssue[] = [];
  const groups: ParsedMatches['groups'] = [];
  for (const { line, cells } of rows) {
    const cell = (name: ReviewColumn) => (cells[name] ?? '').trim();
    // Each accepted member with the column it was in, so that messages name the right column.
    const accepted: { member: Member; field: string }[] = [];
    for (const field of EMAIL_COLUMNS) {
      const value = cell(field).toLowerCase();
      if (value === '') continue;
      const member = byEmail.get(value);
      const earlier = seenOn.get(value);
      if (!member) {
        issues.push({ line, field, message: `${value} is not registered for round ${state.roundId}` });
      } else if (earlier !== undefined) {
        issues.push({ line, field, message: `${value} is already on line ${earlier}` });
      } else {
        seenOn.set(value, line);
        accepted.push({ member, field });
      }
    }
    const locked = Locked.safeParse(cell('locked'));
    if (!locked.success) {
      issues.push({
        line,
        field: 'locked',
        message: `expected yes or no, got "${cell('locked').slice(0, 20)}"`,
      });
    }
    if (accepted.length < 2) continue;
    for (const { member, field } of accepted) {
      if (member.status !== 'active') {
        issues.push({
          line,
          field,
          message: `${member.email} is ${member.status} and gets no mail: they cannot be partnered`,
        });
      }
    }
    for (const [i, first] of accepted.entries()) {
      for (const second of accepted.slice(i + 1)) {
        const a = participants.get(first.member.email);
        const b = participants.get(second.member.email);
        if (!a || !b) continue;
        for (const problem of pairProblems(a, b)) {
          issues.push({
            line,
            field: `${first.field}/${second.field}`,
            message: `${a.profile.email} and ${b.profile.email} cannot be partners: ${problem}`,
          });
        }
      }
    }
    groups.push({
      line,
      members: accepted.map(({ member }) => member.id),
      ...(locked.success && locked.data !== undefined ? { locked: locked.data } : {}),
    });
  }
  const grouped = new Set(groups.flatMap((g) => g.members));
  return {
    groups,
    issues,
    alone: state.members.filter((m) => !grouped.has(m.id)).map((m) => m.email),
  };
};

/**
 * Reads an edited review file against the round (`readMatchesCsv`, then `checkReviewRows`).
 * @throws {MatchesFileError} when the text is no review file at all.
 */
export const parseMatchesCsv = (
  text: string,
  state: ProposalState,
  pastPartners: ReadonlyMap<string, ReadonlySet<string>>,
): ParsedMatches => checkReviewRows(readMatchesCsv(text), state, pastPartners);

/**
 * The proposal an imported file asks for. A row whose members were already together keeps its
 * partnership's lock, score and explanation; a row that changed is a coordinator's decision, so it is
 * locked unless the row says `no`, and scored as the matcher would.
 */
export const proposalFromFile = (
  parsed: ParsedMatches,
  state: ProposalState,
  pastPartners: ReadonlyMap<string, ReadonlySet<string>>,
  config: MatchConfigInput,
): { members: string[]; locked: boolean; score?: number; explanation?: string; changed: boolean }[] => {
  const key = (ids: readonly string[]) => [...ids].sort().join(' ');
  const stored = new Map(state.partnerships.map((p) => [key(p.members), p] as const));
  const participants = new Map(
    matchParticipantsOf(state.members, pastPartners).map(
      (p, i) => [state.members[i]?.id as string, p] as const,
    ),
  );
  return parsed.groups.map((group) => {
    const before = stored.get(key(group.members));
    if (before) {
      return {
        members: before.members,
        locked: group.locked ?? Boolean(before.locked),
        ...(before.score === undefined ? {} : { score: before.score }),
        ...(before.explanation === undefined ? {} : { explanation: before.explanation }),
        changed: false,
      };
    }
    const described = describeGroup(
      group.members.map((id) => participants.get(id) as NonNullable<ReturnType<typeof participants.get>>),
      config,
    );
    return { members: group.members, locked: group.locked ?? true, ...described, changed: true };
  });
};
