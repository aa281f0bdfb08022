import { tokenHash } from '#core/console/sign-in';
import { type AuditEntry, type AuditTrail, auditEntryProblem } from '#ports/audit-trail';
import type { ConsoleAuthStore, ConsoleSession, SignInLink } from '#ports/console-auth';

/** Expiries are kept to the second, as the table's TTL attribute keeps them. */
const toTheSecond = (instant: Date): Date => new Date(Math.floor(instant.getTime() / 1000) * 1000);
const live = <T extends { expiresAt: Date }>(item: T | undefined, now: Date): item is T =>
  item !== undefined && now.getTime() < item.expiresAt.getTime();
const copy = <T extends { createdAt: Date; expiresAt: Date }>(item: T): T => ({
  ...item,
  createdAt: new Date(item.createdAt),
  expiresAt: new Date(item.expiresAt),
});

/** Sign-in links and sessions in maps keyed by the token's hash, with DynamoConsoleAuth's semantics. */
export class InMemoryConsoleAuth implements ConsoleAuthStore {
  /** By token hash; expired ones stay, as they do in the table until the TTL deletes them. */
  readonly links = new Map<string, SignInLink>();
  readonly sessions = new Map<string, ConsoleSession>();

  async saveSignInLink(token: string, link: SignInLink): Promise<void> {
    const key = tokenHash(token);
    if (this.links.has(key)) throw new Error('a sign-in link with this token is stored already');
    this.links.set(key, { ...copy(link), expiresAt: toTheSecond(link.expiresAt) });
  }

  async getSignInLink(token: string, now: Date): Promise<SignInLink | undefined> {
    const link = this.links.get(tokenHash(token));
    return live(link, now) ? copy(link) : undefined;
  }

  async consumeSignInLink(token: string, now: Date): Promise<SignInLink | undefined> {
    const key = tokenHash(token);
    const link = this.links.get(key);
    if (!live(link, now)) return undefined;
    this.links.delete(key);
    return copy(link);
  }

  async createSession(token: string, session: ConsoleSession): Promise<void> {
    const key = tokenHash(token);
    if (this.sessions.has(key)) throw new Error('a console session with this token is stored already');
    this.sessions.set(key, { ...copy(session), expiresAt: toTheSecond(session.expiresAt) });
  }

  async getSession(token: string, now: Date): Promise<ConsoleSession | undefined> {
    const session = this.sessions.get(tokenHash(token));
    return live(session, now) ? copy(session) : undefined;
  }

  async deleteSession(token: string): Promise<void> {
    this.sessions.delete(tokenHash(token));
  }
}

/** The audit trail in a list, in the order recorded, with DynamoAuditTrail's semantics. */
export class InMemoryAuditTrail implements AuditTrail {
  readonly entries: AuditEntry[] = [];

  async record(entry: AuditEntry): Promise<void> {
    const problem = auditEntryProblem(entry);
    if (problem) throw new Error(problem);
    this.entries.push({ ...entry, at: new Date(entry.at) });
  }

  async listForRound(roundId: string, limit: number): Promise<AuditEntry[]> {
    if (limit <= 0) return [];
    return this.entries
      .map((entry, order) => ({ entry, order }))
      .filter(({ entry }) => entry.roundId === roundId)
      .sort((a, b) => b.entry.at.getTime() - a.entry.at.getTime() || b.order - a.order)
      .slice(0, limit)
      .map(({ entry }) => ({ ...entry, at: new Date(entry.at) }));
  }
}

/** The sender's console dependencies for tests that send no sign-in mail: no link is stored, none composed. */
export const noConsoleSignInMail = () => ({
  links: new InMemoryConsoleAuth(),
  keys: { current: '1', keys: { '1': 'no-console-sign-in-mail-0123456789' } },
  compose: (): never => {
    throw new Error('no console sign-in mail here');
  },
});
