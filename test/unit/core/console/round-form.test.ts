import { describe, expect, it } from 'vitest';
import { readRoundForm, roundFormFieldOf } from '#core/console/round-form';

describe('the create-a-round form', () => {
  it('reads the fields of `tandem round create`, the coordinator lower-cased and the name on one line', () => {
    // Act
    const read = readRoundForm({
      round_id: ' spring-2027 ',
      name: '  Spring\n 2027 ',
      start: '2027-03-01',
      weeks: '20',
      coordinator: 'Ana@Example.org',
      csrf_token: 'ignored',
    });

    // Assess
    expect(read).toMatchObject({
      ok: true,
      request: {
        id: 'spring-2027',
        name: 'Spring 2027',
        startDate: '2027-03-01',
        weeks: 20,
        coordinatorEmail: 'ana@example.org',
      },
    });
  });

  it('takes 16 weeks and no name or coordinator when they are left empty', () => {
    // Act
    const read = readRoundForm({
      round_id: 'spring',
      start: '2027-03-01',
      weeks: '',
      name: ' ',
      coordinator: '',
    });

    // Assess
    expect(read).toEqual({
      ok: true,
      values: { round_id: 'spring', start: '2027-03-01', weeks: '', name: ' ', coordinator: '' },
      request: { id: 'spring', startDate: '2027-03-01', weeks: 16 },
    });
  });

  it('names every field that does not hold at once, keeping the values as typed', () => {
    // Act
    const read = readRoundForm({
      round_id: 'Spring 2027',
      name: 'x'.repeat(121),
      start: '2027-02-30',
      weeks: '105',
      coordinator: 'not-an-address',
    });

    // Assess
    expect(read.ok).toBe(false);
    expect(read.values.round_id).toBe('Spring 2027');
    expect(!read.ok && Object.keys(read.errors).sort()).toEqual([
      'coordinator',
      'name',
      'round_id',
      'start',
      'weeks',
    ]);
  });

  it.each([
    ['', 'round_id', 'Enter a round id'],
    ['confirm', 'round_id', '"confirm" is reserved (/join/confirm is another page of the sign-up site)'],
    ['new', 'round_id', '"new" is reserved (/console/rounds/new is the console\'s form to create a round)'],
  ])('refuses the round id "%s"', (id, field, message) => {
    // Act
    const read = readRoundForm({ round_id: id, start: '2027-03-01' });

    // Assess
    expect(!read.ok && read.errors[field as 'round_id']).toContain(message);
  });

  it.each(['0', '1.5', 'ten', '-3'])('refuses %s weeks', (weeks) => {
    // Act
    const read = readRoundForm({ round_id: 'spring', start: '2027-03-01', weeks });

    // Assess
    expect(!read.ok && read.errors.weeks).toBe('Length must be a whole number of weeks from 1 to 104');
  });

  it('asks for a start date when none is given', () => {
    // Act
    const read = readRoundForm({ round_id: 'spring' });

    // Assess
    expect(!read.ok && read.errors.start).toBe('Enter the start date');
  });

  it("maps newRound's field names to the form's", () => {
    // Assess
    expect(roundFormFieldOf('startDate')).toBe('start');
    expect(roundFormFieldOf('coordinatorEmail')).toBe('coordinator');
    expect(roundFormFieldOf('topicDays')).toBeUndefined();
  });
});
