import { editedRows, type ProposalEdit } from '#core/coordinator/proposal-edits';
import { type ReviewImport, reviseProposal } from './import-review-file.ts';
import type { ProposalWorkDeps } from './proposal-state.ts';

/**
 * Makes one change to the round's proposal — a person moved to another partnership, two people swapped,
 * a partnership locked or unlocked — as the review file with that edit would make it through
 * `tandem matches import`: the same checks (every member of a changed partnership able to receive mail,
 * every two of them meeting the hard constraints) and messages, partnerships a move or swap changes
 * locked and scored as the matcher would, the others kept as they are.
 * @throws {RoundNotFound}
 * @throws {ProposalRefused} when the round has been launched.
 * @throws {EditRefused} when the edit names someone or a partnership not in the round, or cannot be made.
 * @throws {ReviewFileInvalid} listing every problem (as `matches import` does): nothing was changed.
 * @throws {ProposalInterrupted} when the round changed while the proposal was being stored.
 */
export const editProposal = (
  deps: ProposalWorkDeps,
  request: { roundId: string; edit: ProposalEdit },
): Promise<ReviewImport> =>
  reviseProposal(deps, {
    roundId: request.roundId,
    rowsOf: (proposal) => editedRows(proposal, request.edit),
  });
