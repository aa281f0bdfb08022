/**
 * What the storage ports throw when a write cannot be made as asked, or what is stored cannot be read.
 * Adapters translate their service's errors (DynamoDB's conditional-check failures and transaction
 * cancellations, in adapters/dynamo-requests.ts) into these, so nothing above the adapters names an
 * SDK error. `TransitionRejected` (ports/store.ts) is the other one: a state change that started from
 * the wrong state.
 */

/**
 * What the write depended on changed underneath it: another writer won the race, after the
 * adapter's bounded retries. The caller may read again and decide.
 */
export class ConcurrentChange extends Error {
  override name = 'ConcurrentChange';
}

/** A value that must be unique (an email address, a round id) already belongs to something else. */
export class AlreadyTaken extends Error {
  override name = 'AlreadyTaken';
  constructor(
    readonly what: 'email' | 'round',
    readonly value: string,
    options?: ErrorOptions,
  ) {
    super(`${what} ${value} is already taken`, options);
  }
}

/**
 * A stored item does not fit its schema (written by an older version, or edited by hand). Permanent:
 * reading it again gives the same answer, so it is worth a log line and a person, not a retry.
 */
export class StoredItemInvalid extends Error {
  override name = 'StoredItemInvalid';
}
