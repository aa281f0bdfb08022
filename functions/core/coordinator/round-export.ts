import { stringify } from 'csv-stringify/sync';
import type { PartnershipActivity } from './round-status.ts';

/** The export's columns; one `checkin_<n>` per check-in the round asks. */
const exportColumns = (checkinNumbers: readonly number[]): string[] => [
  'partnership_id',
  'status',
  'origin',
  'started_at',
  'ended_at',
  'ended_reason',
  'members',
  'countries',
  'replies',
  'last_activity',
  'nudges',
  'at_risk_since',
  'at_risk_reason',
  ...checkinNumbers.map((n) => `checkin_${n}`),
];

/**
 * The CSV of a round's partnerships (RFC 4180: CRLF line ends, fields quoted when they need it).
 * Lists hold one entry per member, `;`-separated, in the same order as `members`; a check-in column
 * holds each member's answer, `-` where none is stored.
 */
export const exportCsv = (rows: readonly PartnershipActivity[], checkinNumbers: readonly number[]): string =>
  stringify(
    rows.map((row) => [
      row.partnershipId,
      row.status,
      row.origin,
      row.startedAt ?? '',
      row.endedAt ?? '',
      row.endedReason ?? '',
      row.members.map((m) => m.email).join(';'),
      row.members.map((m) => m.country).join(';'),
      row.replies,
      row.lastActivity ?? '',
      row.nudges,
      row.atRiskSince ?? '',
      row.atRiskReason ?? '',
      ...checkinNumbers.map((n) => (row.checkins[n] ?? []).map((answer) => answer ?? '-').join(';')),
    ]),
    { header: true, columns: exportColumns(checkinNumbers), record_delimiter: 'windows' },
  );
