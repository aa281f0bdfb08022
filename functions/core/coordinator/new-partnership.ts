import type { Partnership } from '../model.ts';

/** Who a new partnership joins and how it came about; the rest of it starts empty. */
export type NewPartnership = Pick<Partnership, 'roundId' | 'id' | 'members' | 'origin'> &
  Partial<Pick<Partnership, 'startedAt' | 'introRef' | 'locked' | 'score' | 'explanation'>>;

/**
 * A partnership as it begins, matched before the launch or re-paired mid-round: active, with no
 * activity, nudges, flags or notices yet. Optional fields given as undefined are left out, so that
 * the stored item holds only what was said.
 */
export const newPartnership = (fields: NewPartnership): Partnership => {
  const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return {
    ...(given as NewPartnership),
    status: 'active',
    lastActivity: {},
    nudged: {},
    flaggedBy: {},
    quietIds: [],
    notices: {},
  };
};
