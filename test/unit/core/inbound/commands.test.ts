import { describe, expect, it } from 'vitest';
import { checkinAnswerIn, commandIn, durationDays } from '#core/inbound/commands';

describe('durationDays', () => {
  it.each([
    ['10d', 10],
    ['2w', 14],
    ['1m', 30],
    ['3m', 90],
    ['0d', 0],
  ])('reads %s as %i days', (argument, days) => {
    expect(durationDays(argument)).toBe(days);
  });

  it('reads every duration commandIn normalises', () => {
    expect(durationDays(commandIn('PAUSE 2 weeks')?.argument ?? '')).toBe(14);
    expect(durationDays(commandIn('pause 1 month.')?.argument ?? '')).toBe(30);
  });

  it.each(['', '2 weeks', 'w', '2y', '-1d'])('reads "%s" as no duration', (argument) => {
    expect(durationDays(argument)).toBeUndefined();
  });
});

describe('checkinAnswerIn', () => {
  it.each([
    ['1', 'yes'],
    ['2', 'not-yet'],
    ['3', 'not-managed'],
    ['2.', 'not-yet'],
    ['1!', 'yes'],
    ['3)', 'not-managed'],
    ['  2  ', 'not-yet'],
    ['\n\n2\n\nOn Mon, Tandem wrote:\n> Have you been in touch?', 'not-yet'],
    ['２', 'not-yet'],
  ] as const)('reads %j as %s', (text, answer) => {
    expect(checkinAnswerIn(text)).toBe(answer);
  });

  it.each([
    '1 - yes',
    '2 weeks ago we spoke',
    '3 things I learnt this week',
    '4',
    '0',
    '12',
    '1.5',
    'Option 2',
    '',
  ])('reads %j as no answer: strict, so prose is relayed', (text) => {
    expect(checkinAnswerIn(text)).toBeUndefined();
  });
});
