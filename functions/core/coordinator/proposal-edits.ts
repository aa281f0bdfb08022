import type { Member } from '../model.ts';
import type { ProposalState, ReviewRow } from './matches-file.ts';

/**
 * A coordinator's change to one part of a proposal, as the console offers them. Each is turned into the
 * review file that makes it (`editedRows`), so that it is checked and stored exactly as
 * `tandem matches import` checks and stores an edited file: the same hard constraints and messages, and
 * the partnerships it changes locked, as the edited rows of a file are.
 */
export type ProposalEdit =
  /** A person joins a partnership, leaving theirs (if any): a pair left with one member is no more. */
  | { kind: 'move'; participantId: string; partnershipId: string }
  /** Two people of different partnerships (or one without a partnership) change places. */
  | { kind: 'swap'; participantIds: readonly [string, string] }
  /** A partnership is kept (or no longer kept) by matching around the locked ones. */
  | { kind: 'lock'; partnershipId: string; locked: boolean };

/** Which input of an edit a refusal is about: the person (moved, or first and second of a swap) or the partnership. */
export type EditSubject = 'participant' | 'partnership' | 'first' | 'second';

/**
 * The edit cannot be made at all, whatever the hard constraints say: nothing was changed. The message is a
 * sentence for the console's form (the CLI has no such edits).
 */
export class EditRefused extends Error {
  override name = 'EditRefused';

  constructor(
    readonly subject: EditSubject,
    message: string,
  ) {
    super(message);
  }
}

/** The most members a partnership has. */
const MOST_MEMBERS = 3;

/**
 * The rows of the review file that makes `edit` to the proposal: the file `tandem matches export` writes
 * (one row per partnership, its members in address order, `locked` yes or blank), edited as a
 * coordinator would edit it in a spreadsheet. Rows the edit changes have a blank `locked` (so the import
 * locks them: a coordinator's decision); a lock or unlock says yes or no. Lines are numbered as in the
 * exported file (its header is line 1). Members without a partnership have no row: the import leaves
 * anyone not in the file without one.
 * @throws {EditRefused} naming the input: someone or a partnership not in the round, a move into one's
 * own or a full partnership, a swap within one partnership or of two people without one.
 */
export const editedRows = (state: ProposalState, edit: ProposalEdit): ReviewRow[] => {
  const byId = new Map(state.members.map((m) => [m.id, m] as const));
  const rows = state.partnerships
    .map((p) => ({
      id: p.id,
      members: p.members.flatMap((id) => byId.get(id) ?? []).sort((a, b) => a.email.localeCompare(b.email)),
      locked: p.locked ? 'yes' : '',
    }))
    .sort((a, b) => (a.members[0]?.email ?? '').localeCompare(b.members[0]?.email ?? ''));
  const rowOf = (participantId: string) =>
    rows.find((row) => row.members.some((m) => m.id === participantId));
  const member = (participantId: string, subject: EditSubject): Member => {
    const found = byId.get(participantId);
    if (!found)
      throw new EditRefused(
        subject,
        `Nobody registered for round ${state.roundId} has the id ${participantId}`,
      );
    return found;
  };
  const partnership = (partnershipId: string) => {
    const found = rows.find((row) => row.id === partnershipId);
    if (!found) {
      throw new EditRefused(
        'partnership',
        `Round ${state.roundId} has no partnership ${partnershipId} (the proposal may have changed since)`,
      );
    }
    return found;
  };

  switch (edit.kind) {
    case 'move': {
      const person = member(edit.participantId, 'participant');
      const to = partnership(edit.partnershipId);
      const from = rowOf(person.id);
      if (from === to)
        throw new EditRefused('partnership', `They are in that partnership already (${person.email})`);
      if (to.members.length >= MOST_MEMBERS) {
        throw new EditRefused(
          'partnership',
          `That partnership has ${to.members.length} members already: a partnership has at most ${MOST_MEMBERS}`,
        );
      }
      if (from) {
        from.members = from.members.filter((m) => m.id !== person.id);
        from.locked = '';
      }
      to.members = [...to.members, person];
      to.locked = '';
      break;
    }
    case 'swap': {
      const [first, second] = [
        member(edit.participantIds[0], 'first'),
        member(edit.participantIds[1], 'second'),
      ];
      if (first.id === second.id) throw new EditRefused('second', 'Choose two different people to swap');
      const [rowA, rowB] = [rowOf(first.id), rowOf(second.id)];
      if (!rowA && !rowB) {
        throw new EditRefused('first', `Neither of them has a partnership (${first.email}, ${second.email})`);
      }
      if (rowA === rowB)
        throw new EditRefused('second', `They are partners already (${first.email}, ${second.email})`);
      // Each takes the other's place, in the same column.
      const replace = (row: (typeof rows)[number] | undefined, out: Member, into: Member) => {
        if (!row) return;
        row.members = row.members.map((m) => (m.id === out.id ? into : m));
        row.locked = '';
      };
      replace(rowA, first, second);
      replace(rowB, second, first);
      break;
    }
    case 'lock':
      partnership(edit.partnershipId).locked = edit.locked ? 'yes' : 'no';
      break;
  }

  return rows.map((row, i) => ({
    line: i + 2,
    cells: {
      email_1: row.members[0]?.email ?? '',
      email_2: row.members[1]?.email ?? '',
      email_3: row.members[2]?.email ?? '',
      locked: row.locked,
    },
  }));
};
