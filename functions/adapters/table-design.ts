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
  /** One processing claim per inbound message. */
  inboundMessage: (messageKey: string) => ({ pk: `INBOUND#${messageKey}`, sk: 'MESSAGE' }),
  /** The messages one partnership relayed on one day, for the daily relay cap. */
  relaysOfDay: (roundId: string, partnershipId: string, day: string) => ({
    pk: `RELAYS#${roundId}#${partnershipId}`,
    sk: day,
  }),
  /** At most one automatic answer per sender per day. */
  automaticAnswer: (sender: string, day: string) => ({ pk: `ANSWERED#${sender.toLowerCase()}`, sk: day }),
  /** Whether SES may be sent to now: one item for the whole account (paused by quota or by SES). */
  sendingState: { pk: 'SENDING', sk: 'ACCOUNT' },
  ledgerPartition: (roundId: string) => `LEDGER#${roundId}`,
  ledger: (roundId: string, kind: string, ref: string, participantId: string) => ({
    pk: `LEDGER#${roundId}`,
    sk: `${kind}#${ref}#${participantId}`,
  }),
} as const;
