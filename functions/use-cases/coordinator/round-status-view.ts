import { type RoundReportData, roundReport } from '#core/coordinator/round-report';
import {
  type PartnershipActivity,
  partnershipActivity,
  type RoundStatusReport,
  roundStatus,
} from '#core/coordinator/round-status';
import type { Alert, Member, Round } from '#core/model';
import { loadRoundData } from './round-data.ts';
import type { RoundStatusDeps } from './round-status.ts';

/** Whom an at-risk partnership or an alert names: enough to recognise them. */
export type NamedPerson = Pick<Member, 'name' | 'email' | 'status'>;

/** A round's status page: `round status`, the charts of `round report`, and what needs a coordinator. */
export interface RoundStatusView {
  round: Round;
  /** What `tandem round status` says (roundStatusReport), sign-ups included. */
  report: RoundStatusReport;
  /** What `tandem round report` charts (reportRound), as data. */
  charts: RoundReportData;
  /** The partnerships at risk now, as `tandem round export` writes them, longest at risk first. */
  atRisk: PartnershipActivity[];
  /** Every alert of the round, newest first; those without `digestDay` wait for the next digest. */
  alerts: Alert[];
  /** The people the at-risk partnerships and the alerts name, by participant id. */
  people: ReadonlyMap<string, NamedPerson>;
}

/**
 * Everything a round's status page shows, from one read of the round (its state, its ledger, the
 * sending state, its pending sign-ups): the same figures `round status`, `round report` and `round
 * export` compute, because it calls the same pure functions on the same data.
 * @throws {RoundNotFound}
 */
export const roundStatusView = async (deps: RoundStatusDeps, roundId: string): Promise<RoundStatusView> => {
  const input = await loadRoundData(deps, roundId);
  const now = await deps.now();
  const pendingSignUps = await deps.signUps.countPending(roundId, now);
  const atRisk = partnershipActivity(input)
    .filter((p) => p.status === 'at-risk')
    .sort(
      (a, b) =>
        (a.atRiskSince ?? '').localeCompare(b.atRiskSince ?? '') ||
        a.partnershipId.localeCompare(b.partnershipId),
    );
  const alerts = [...input.alerts].sort(
    (a, b) =>
      b.raisedAt.localeCompare(a.raisedAt) || a.kind.localeCompare(b.kind) || a.ref.localeCompare(b.ref),
  );
  const named = new Set([
    ...atRisk.flatMap((p) => p.members.map((m) => m.id)),
    ...alerts.flatMap((a) => a.participantIds),
  ]);
  const people = new Map(
    input.members
      .filter((m) => named.has(m.id))
      .map((m) => [m.id, { name: m.name, email: m.email, status: m.status }] as const),
  );
  return {
    round: input.round,
    report: roundStatus({ ...input, pendingSignUps }, now),
    charts: roundReport(input, now),
    atRisk,
    alerts,
    people,
  };
};
