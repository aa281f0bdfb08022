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

const pad = (n: number) => String(n).padStart(2, '0');

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
  participant: (participantId: string) => ({ pk: `PARTICIPANT#${participantId}`, sk: 'PROFILE' }),
  /** Guarantees one participant per email address. */
  email: (email: string) => ({ pk: `EMAIL#${email.toLowerCase()}`, sk: 'EMAIL' }),
  ledgerPartition: (roundId: string) => `LEDGER#${roundId}`,
  ledger: (roundId: string, kind: string, topic: number, participantId: string) => ({
    pk: `LEDGER#${roundId}`,
    sk: `${kind}#${pad(topic)}#${participantId}`,
  }),
} as const;
