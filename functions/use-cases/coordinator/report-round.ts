import {
  REPORT_CHARTS,
  type ReportChart,
  renderRoundReport,
  roundReport,
} from '#core/coordinator/round-report';
import type { Round } from '#core/model';
import { loadRoundData } from './round-data.ts';
import type { RoundViewDeps } from './round-status.ts';

export interface RoundReportPage {
  round: Round;
  /** One self-contained HTML page: no request leaves it. */
  html: string;
  charts: ReportChart[];
}

/**
 * The round's report as of the stack's now: activity per week, partnership health, replies by country
 * pair and check-in answers, charted on one page.
 * @throws {RoundNotFound}
 */
export const reportRound = async (deps: RoundViewDeps, roundId: string): Promise<RoundReportPage> => {
  const input = await loadRoundData(deps, roundId);
  const html = renderRoundReport(roundReport(input, await deps.now()));
  return { round: input.round, html, charts: [...REPORT_CHARTS] };
};
