/**
 * The single-table design: every key Tandem reads or writes is built here. The README's
 * "Storage" section documents the same layout and access patterns.
 */
export const tableDesign = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  indexes: {
    /** Sparse index of rounds by status: the dispatcher finds running rounds without a scan. */
    byStatus: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  },
} as const;

const arrivalsFromPartition = (address: string) => `ARRIVALS#FROM#${address.toLowerCase()}`;
const arrivalsToPartition = (participantId: string) => `ARRIVALS#TO#${participantId}`;

export const keys = {
  round: (roundId: string) => ({ pk: `ROUND#${roundId}`, sk: 'ROUND' }),
  roundsByStatus: (status: string) => `ROUNDS#${status}`,
  member: (roundId: string, participantId: string) => ({
    pk: `ROUND#${roundId}`,
    sk: `MEMBER#${participantId}`,
  }),
  memberPrefix: 'MEMBER#',
  partnership: (roundId: string, partnershipId: string) => ({
    pk: `ROUND#${roundId}`,
    sk: `PARTNERSHIP#${partnershipId}`,
  }),
  partnershipPrefix: 'PARTNERSHIP#',
  /**
   * A round's own topic (`round create --topics`), every language in one item, written with the round
   * and never changed. Apart from the round's partition, which the daily runs read whole.
   */
  roundTopic: (roundId: string, number: number) => ({
    pk: `TOPICS#${roundId}`,
    sk: `TOPIC#${String(number).padStart(2, '0')}`,
  }),
  roundTopicsPartition: (roundId: string) => `TOPICS#${roundId}`,
  /** A coordinator alert, once per (kind, ref), kept with its round. */
  alert: (roundId: string, kind: string, ref: string) => ({
    pk: `ROUND#${roundId}`,
    sk: `ALERT#${kind}#${ref}`,
  }),
  alertPrefix: 'ALERT#',
  /** A mail-system event (SES) already counted, so a redelivery counts nothing. */
  mailEvent: (eventId: string) => ({ pk: `MAILEVENT#${eventId}`, sk: 'EVENT' }),
  participant: (participantId: string) => ({ pk: `PARTICIPANT#${participantId}`, sk: 'PROFILE' }),
  /** Guarantees one participant per email address. */
  email: (email: string) => ({ pk: `EMAIL#${email.toLowerCase()}`, sk: 'EMAIL' }),
  /** Every inbound mail as it arrived (envelope, verdicts), for replay. */
  arrival: (mailId: string) => ({ pk: `ARRIVAL#${mailId}`, sk: 'ARRIVAL' }),
  /**
   * The arrivals of one envelope sender, an item per mail under its id, written with the arrival: a
   * person's mails are found by a Query, not a Scan. `ARRIVALS#` is no `ARRIVAL#`: neither begins with
   * the other.
   */
  arrivalsFromPartition,
  arrivalFrom: (address: string, mailId: string) => ({ pk: arrivalsFromPartition(address), sk: mailId }),
  /** The same for the mails to a participant's relay addresses (of any round), by their owner. */
  arrivalsToPartition,
  arrivalTo: (participantId: string, mailId: string) => ({
    pk: arrivalsToPartition(participantId),
    sk: mailId,
  }),
  /** One processing claim per inbound message. */
  inboundMessage: (messageKey: string) => ({ pk: `INBOUND#${messageKey}`, sk: 'MESSAGE' }),
  /** The messages one partnership relayed on one day, for the daily relay cap. */
  relaysOfDay: (roundId: string, partnershipId: string, day: string) => ({
    pk: `RELAYS#${roundId}#${partnershipId}`,
    sk: day,
  }),
  /** At most one automatic answer per sender per day. */
  automaticAnswer: (sender: string, day: string) => ({ pk: `ANSWERED#${sender.toLowerCase()}`, sk: day }),
  /** A round's pending sign-ups, apart from its members: matching never reads them. */
  signUpsPartition: (roundId: string) => `SIGNUPS#${roundId}`,
  /** A sign-up waiting for its confirmation, under its random id (which the confirmation link carries). */
  pendingSignUp: (roundId: string, signUpId: string) => ({
    pk: `SIGNUPS#${roundId}`,
    sk: `PENDING#${signUpId}`,
  }),
  pendingSignUpPrefix: 'PENDING#',
  /** Which pending sign-up of the round an address has, so that a second submission updates it. */
  signUpOfEmail: (roundId: string, email: string) => ({
    pk: `SIGNUPS#${roundId}`,
    sk: `EMAIL#${email.toLowerCase()}`,
  }),
  /**
   * The programme's waiting list for its next round: who asked, from a re-enrolment link while no round
   * took sign-ups, to be told when one opens. One partition: it is read whole when registration opens.
   */
  waitingPartition: 'WAITING',
  waiting: (participantId: string) => ({ pk: 'WAITING', sk: `PARTICIPANT#${participantId}` }),
  waitingPrefix: 'PARTICIPANT#',
  /** How often a subject (a keyed hash, never an address or IP) did something in one window. */
  rateCount: (subject: string, window: string) => ({ pk: `LIMIT#${subject}`, sk: window }),
  /** A console sign-in link, under the SHA-256 of its token (never the token): whose, until when. */
  signInLink: (tokenHash: string) => ({ pk: `SIGNIN#${tokenHash}`, sk: 'LINK' }),
  /** A console session, under the SHA-256 of its cookie's value (never the value). */
  consoleSession: (tokenHash: string) => ({ pk: `SESSION#${tokenHash}`, sk: 'SESSION' }),
  /**
   * The console's audit trail of a round, newest last by `sk`; what concerns no round (signing in and
   * out) under `AUDIT#CONSOLE`, which no round id can be (they are lower-case).
   */
  auditPartition: (roundId: string | undefined) => `AUDIT#${roundId ?? 'CONSOLE'}`,
  auditEntry: (roundId: string | undefined, at: string, entryId: string) => ({
    pk: `AUDIT#${roundId ?? 'CONSOLE'}`,
    sk: `${at}#${entryId}`,
  }),
  /** The stage's programme settings (`tandem programme set`): one item, which new rounds start from. */
  programmeSettings: { pk: 'PROGRAMME', sk: 'SETTINGS' },
  /** Whether SES may be sent to now: one item for the whole account (paused by quota or by SES). */
  sendingState: { pk: 'SENDING', sk: 'ACCOUNT' },
  /** The account-wide relay lane: when it opened, until when it is open, its next free slot. */
  relayLane: { pk: 'SENDING', sk: 'RELAY-LANE' },
  ledgerPartition: (roundId: string) => `LEDGER#${roundId}`,
  ledger: (roundId: string, kind: string, ref: string, participantId: string) => ({
    pk: `LEDGER#${roundId}`,
    sk: `${kind}#${ref}#${participantId}`,
  }),
} as const;
