/**
 * One thing a coordinator did in the console: who, what, when, and which round (none for signing in and
 * out). The coordinator's address is the one personal datum: the trail is for the coordinators, and
 * never goes to the logs.
 */
export interface AuditEntry {
  /** The round it concerns; none for what concerns no round (signing in and out). */
  roundId?: string;
  /** The coordinator who did it (lower-case address). */
  actor: string;
  /** What was done: a short kebab-case name, such as `sign-in` or `registration-open` (1–60 characters). */
  action: string;
  /** More about it, for people (ids rather than addresses or names): at most 500 characters. */
  detail?: string;
  at: Date;
}

/** What an action is called: kebab-case, 1–60 characters. */
export const AUDIT_ACTION = /^[a-z][a-z0-9-]{0,59}$/;
/** The longest detail an entry keeps. */
export const AUDIT_DETAIL_MAX = 500;

/** Why an entry cannot be recorded (a caller's mistake), or undefined when it can. */
export const auditEntryProblem = (entry: AuditEntry): string | undefined => {
  if (!AUDIT_ACTION.test(entry.action))
    return `audit action ${JSON.stringify(entry.action)} is not kebab-case`;
  if ((entry.detail?.length ?? 0) > AUDIT_DETAIL_MAX)
    return `audit detail is over ${AUDIT_DETAIL_MAX} characters`;
  if (entry.actor.length === 0 || entry.actor.length > 254) return 'audit actor is not an address';
  return undefined;
};

/** How long an entry is kept before the table's TTL deletes it. */
export const AUDIT_RETENTION_DAYS = 400;

/** The console's audit trail: every coordinator action, kept per round. */
export interface AuditTrail {
  /**
   * Adds an entry; two entries never overwrite each other, even with the same time.
   * @throws {Error} when the action or detail is outside its bounds (a caller's mistake).
   */
  record(entry: AuditEntry): Promise<void>;
  /** The round's latest `limit` entries, newest first (entries of the same instant in no set order). */
  listForRound(roundId: string, limit: number): Promise<AuditEntry[]>;
}
