/**
 * A coordinator's one-time sign-in link to the console, as stored: whose it is and until when it works.
 * Stored under the SHA-256 of its token (`tokenHash` in core/console/sign-in.ts): the token is in the
 * mail only.
 */
export interface SignInLink {
  /** The address it was sent to (lower-case): who signs in with it. */
  email: string;
  createdAt: Date;
  /** When it stops working, and the table's TTL deletes it (to the second). */
  expiresAt: Date;
}

/**
 * A console session, as stored: whose it is, the nonce its CSRF tokens sign, and when it ends. Stored
 * under the SHA-256 of the session cookie's value: the cookie's value is in the browser only.
 */
export interface ConsoleSession {
  /** The coordinator signed in (lower-case). */
  email: string;
  /** What the session's CSRF tokens sign (core/sign-up/form-token.ts): 22 base64url characters. */
  csrfNonce: string;
  createdAt: Date;
  /** When it ends, and the table's TTL deletes it (to the second). */
  expiresAt: Date;
}

/**
 * The console's sign-in links and sessions. Every method takes the raw token (of the link, or the
 * session cookie) and keys what it stores by the token's SHA-256: no token is ever stored. Every read is
 * as of `now`: an item past its expiry is gone, whether or not the table's TTL has deleted it yet.
 * Expiries are kept to the second.
 */
export interface ConsoleAuthStore {
  /**
   * Stores a new sign-in link under its token's hash.
   * @throws {Error} when a link with the same token is stored already (tokens are random: a bug).
   */
  saveSignInLink(token: string, link: SignInLink): Promise<void>;
  /** The link of `token`, if it is stored, unused and unexpired at `now`; it stays usable. */
  getSignInLink(token: string, now: Date): Promise<SignInLink | undefined>;
  /**
   * Uses the link of `token` once: deletes it and gives it back if it was there and unexpired at `now`
   * (one conditional delete); undefined otherwise — a second use, however close, gets undefined.
   */
  consumeSignInLink(token: string, now: Date): Promise<SignInLink | undefined>;
  /**
   * Stores a new session under its cookie value's hash.
   * @throws {Error} when a session with the same token is stored already (tokens are random: a bug).
   */
  createSession(token: string, session: ConsoleSession): Promise<void>;
  /** The session of `token`, if it is stored and has not ended at `now`. */
  getSession(token: string, now: Date): Promise<ConsoleSession | undefined>;
  /** Ends the session of `token` (signing out); nothing happens when there is none. */
  deleteSession(token: string): Promise<void>;
}
