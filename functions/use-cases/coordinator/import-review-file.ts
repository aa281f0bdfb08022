import {
  checkReviewRows,
  type MatchesIssue,
  type ProposalState,
  proposalFromFile,
  type ReviewRow,
  readMatchesCsv,
} from '#core/coordinator/matches-file';
import { plural } from '#core/plural';
import type { ProposalOutcome } from '../apply-proposal.ts';
import { loadProposalState, type ProposalWorkDeps, storeProposal } from './proposal-state.ts';

/** Rows of the file break a hard constraint (or name no member): nothing was changed. */
export class ReviewFileInvalid extends Error {
  override name = 'ReviewFileInvalid';

  constructor(readonly issues: readonly MatchesIssue[]) {
    const lines = new Set(issues.map((i) => i.line)).size;
    super(`${plural(issues.length, 'problem')} on ${plural(lines, 'line')}; nothing was changed`);
  }
}

export interface ReviewImport {
  /** Partnerships in the proposal now. */
  partnerships: number;
  /** Rows whose members were not together before: a coordinator's edits. */
  changed: number;
  locked: number;
  /** Members who will have no partnership (listed alone, or not in the file), by address. */
  alone: string[];
  saved: ProposalOutcome;
}

/** What rewriting a proposal from review rows reports as it stores them. */
export interface ReviewImportOptions {
  onProgress?: (phase: 'saving', done: number, total: number) => void;
}

/**
 * Replaces the round's proposal with the review rows `rowsOf` gives for it (an edited file, or the rows of
 * a coordinator's edit in the console), if every row holds: checked by `checkReviewRows`, stored by
 * `proposalFromFile`, so that both give the same refusals and the same proposal. `rowsOf` is given the
 * proposal as stored, read once.
 * @throws {RoundNotFound}
 * @throws {ProposalRefused} when the round has been launched.
 * @throws {ReviewFileInvalid} listing every problem, by line and column.
 * @throws {ProposalInterrupted} when the round changed while the proposal was being stored.
 * @throws whatever `rowsOf` throws, before anything is changed.
 */
export const reviseProposal = async (
  deps: ProposalWorkDeps,
  request: { roundId: string; rowsOf: (proposal: ProposalState) => readonly ReviewRow[] },
  options: ReviewImportOptions = {},
): Promise<ReviewImport> => {
  const state = await loadProposalState(deps, request.roundId);
  const past = await deps.proposals.pastPartners(request.roundId);
  const proposal = { roundId: state.round.id, members: state.members, partnerships: state.partnerships };
  const parsed = checkReviewRows(request.rowsOf(proposal), proposal, past);
  if (parsed.issues.length > 0) throw new ReviewFileInvalid(parsed.issues);
  const desired = proposalFromFile(parsed, proposal, past, {
    ...state.round.matching,
    referenceDate: state.round.startDate,
  });
  const saved = await storeProposal(
    deps,
    state,
    desired.map(({ changed: _, ...p }) => p),
    options,
  );
  return {
    partnerships: desired.length,
    changed: desired.filter((p) => p.changed).length,
    locked: desired.filter((p) => p.locked).length,
    alone: parsed.alone,
    saved,
  };
};

/**
 * Replaces the round's proposal with an edited review file, if every row holds; edited partnerships
 * are locked (unless the row says no), so that matching with `keepLocked` works around them.
 * @throws {RoundNotFound}
 * @throws {ProposalRefused} when the round has been launched.
 * @throws {MatchesFileError} when the text cannot be read as a review file at all.
 * @throws {ReviewFileInvalid} listing every problem, by line and column.
 * @throws {ProposalInterrupted} when the round changed while the proposal was being stored.
 */
export const importReviewFile = (
  deps: ProposalWorkDeps,
  request: { roundId: string; text: string },
  options: ReviewImportOptions = {},
): Promise<ReviewImport> =>
  reviseProposal(deps, { roundId: request.roundId, rowsOf: () => readMatchesCsv(request.text) }, options);
