import { describe, expect, it } from 'vitest';
import { newPartnership } from '#core/coordinator/new-partnership';
import { Partnership } from '#core/model';
import { participantId, partnershipId } from '../fixtures.ts';

const members = [participantId('ana'), participantId('ben')];

describe('newPartnership', () => {
  it('begins a partnership active, with no activity, nudges, flags or notices', () => {
    // Act
    const partnership = newPartnership({
      roundId: 'spring',
      id: partnershipId('one'),
      members,
      origin: 'repaired',
      startedAt: '2027-04-01T07:00:00.000Z',
      introRef: partnershipId('one'),
    });

    // Assess
    expect(partnership).toEqual({
      roundId: 'spring',
      id: partnershipId('one'),
      members,
      status: 'active',
      origin: 'repaired',
      startedAt: '2027-04-01T07:00:00.000Z',
      introRef: partnershipId('one'),
      lastActivity: {},
      nudged: {},
      flaggedBy: {},
      quietIds: [],
      notices: {},
    });
    expect(Partnership.parse(partnership)).toEqual(partnership);
  });

  it('leaves out what was given as undefined, so the stored item holds only what was said', () => {
    // Act
    const partnership = newPartnership({
      roundId: 'spring',
      id: partnershipId('two'),
      members,
      origin: 'matched',
      locked: false,
      score: undefined,
      explanation: undefined,
    });

    // Assess
    expect(partnership).toHaveProperty('locked', false);
    expect(partnership).not.toHaveProperty('score');
    expect(partnership).not.toHaveProperty('explanation');
  });
});
