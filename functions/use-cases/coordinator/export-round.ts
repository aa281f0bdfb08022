import { exportCsv } from '#core/coordinator/round-export';
import { checkinsOf, partnershipActivity } from '#core/coordinator/round-status';
import type { Round } from '#core/model';
import { loadRoundData, type RoundDataDeps } from './round-data.ts';

export interface RoundExport {
  round: Round;
  /** One row per partnership with its activity, a column per check-in (see exportCsv). */
  csv: string;
  partnerships: number;
}

/**
 * The round's partnerships and their activity as CSV, one row per partnership.
 * @throws {RoundNotFound}
 */
export const exportRound = async (deps: RoundDataDeps, roundId: string): Promise<RoundExport> => {
  const input = await loadRoundData(deps, roundId);
  const rows = partnershipActivity(input);
  const checkins = checkinsOf(input.round).map((c) => c.number);
  return { round: input.round, csv: exportCsv(rows, checkins), partnerships: rows.length };
};
