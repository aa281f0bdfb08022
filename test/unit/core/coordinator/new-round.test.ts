import { describe, expect, it } from 'vitest';
import { InvalidRound, newRound } from '#core/coordinator/new-round';
import { RESERVED_ROUND_IDS } from '#core/reserved-round-ids';
import { DEFAULT_ESCALATION_DAYS, DEFAULT_INACTIVITY_DAYS } from '#core/schedule';

describe('newRound', () => {
  it('makes a draft, closed to sign-ups, with a topic every fortnight, the check-in mid-round and the default silence thresholds', () => {
    // Act
    const round = newRound({ id: 'spring', startDate: '2027-03-01', weeks: 16 });

    // Assess
    expect(round).toEqual({
      id: 'spring',
      name: 'spring',
      startDate: '2027-03-01',
      weeks: 16,
      status: 'draft',
      registration: 'closed',
      topicDays: [0, 14, 28, 42, 56, 70, 84, 98],
      // Day 56 is a topic's: the check-in moves a week on.
      checkinDays: [63],
      timeZones: [],
      inactivityDays: DEFAULT_INACTIVITY_DAYS,
      escalationDays: DEFAULT_ESCALATION_DAYS,
    });
  });

  it('keeps the name on one line and the coordinator given', () => {
    // Act
    const round = newRound({
      id: 'spring',
      startDate: '2027-03-01',
      weeks: 6,
      name: '  Spring\n  2027 ',
      coordinatorEmail: 'co@example.org',
    });

    // Assess
    expect(round).toMatchObject({
      name: 'Spring 2027',
      coordinatorEmail: 'co@example.org',
      topicDays: [0, 14, 28],
    });
  });

  it('schedules a round with its own topics by their count, and marks it as having them', () => {
    // Act: three topics of its own in 16 weeks; twelve in 6 weeks.
    const three = newRound({ id: 'spring', startDate: '2027-03-01', weeks: 16, ownTopics: 3 });
    const twelve = newRound({ id: 'short', startDate: '2027-03-01', weeks: 6, ownTopics: 12 });

    // Assess: one a fortnight, as many as there are or as fit; the check-in mid-round as ever.
    expect(three).toMatchObject({ ownTopics: 3, topicDays: [0, 14, 28], checkinDays: [56] });
    expect(twelve).toMatchObject({ ownTopics: 12, topicDays: [0, 14, 28], checkinDays: [21] });
    expect(newRound({ id: 'spring', startDate: '2027-03-01', weeks: 16 })).not.toHaveProperty('ownTopics');
  });

  it('refuses a round with no topics of its own', () => {
    expect(() => newRound({ id: 'spring', startDate: '2027-03-01', weeks: 16, ownTopics: 0 })).toThrow(
      InvalidRound,
    );
  });

  it('names the first field that does not hold', () => {
    // Act
    const attempt = () => newRound({ id: 'spring', startDate: '2027-03-01', weeks: 6, name: ' ' });

    // Assess
    expect(attempt).toThrow(InvalidRound);
    expect(attempt).toThrow(/^name: /);
  });

  it.each(['confirm', 'assets', 'again'])(
    'refuses the id %s, a page of the sign-up site, naming it',
    (id) => {
      // Act
      const attempt = () => newRound({ id, startDate: '2027-03-01', weeks: 6 });

      // Assess
      expect(attempt).toThrow(InvalidRound);
      expect(attempt).toThrow(new RegExp(`^id: "${id}" is reserved \\(/join/${id} is another page`));
    },
  );

  it("refuses the id new, the console's form to create a round, naming the page", () => {
    expect(() => newRound({ id: 'new', startDate: '2027-03-01', weeks: 6 })).toThrow(
      /^id: "new" is reserved \(\/console\/rounds\/new is the console's form to create a round\); choose another round id\. Reserved: again, assets, confirm, new$/,
    );
  });

  it('reserves exactly the paths the web function and the console take', () => {
    expect([...RESERVED_ROUND_IDS].sort()).toEqual(['again', 'assets', 'confirm', 'new']);
    expect(newRound({ id: 'again-2027', startDate: '2027-03-01', weeks: 6 }).id).toBe('again-2027');
  });
});
