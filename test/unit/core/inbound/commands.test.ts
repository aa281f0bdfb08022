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

describe('commandIn in the languages Tandem writes in', () => {
  it.each([
    ['BAJA', 'STOP'],
    ['Désabonner', 'STOP'],
    ['desinscrire!', 'STOP'],
    ['PARAR', 'STOP'],
    ['descadastrar', 'STOP'],
    ['PAUSA', 'PAUSE'],
    ['pausar', 'PAUSE'],
    ['REANUDAR', 'RESUME'],
    ['Reprendre', 'RESUME'],
    ['retomar.', 'RESUME'],
    ['SILENCIO', 'QUIET'],
    ['silence', 'QUIET'],
    ['Silêncio', 'QUIET'],
  ])('reads "%s" as %s', (line, word) => {
    expect(commandIn(`${line}\n\nGracias`)).toEqual({ word });
  });

  it.each([
    ['PAUSA 2 semanas', '2w'],
    ['pause 10 jours', '10d'],
    ['PAUSA 1 mês', '1m'],
    ['pausar 3 meses', '3m'],
    ['Pause 2 semaines', '2w'],
    ['pausa 10 días', '10d'],
  ])('reads "%s" as a pause of %s', (line, argument) => {
    expect(commandIn(line)).toEqual({ word: 'PAUSE', argument });
  });

  it.each(['Baja la música', 'PAUSA para el café', 'Hola', 'pause 2 siglos'])(
    'reads "%s" as prose, not a command',
    (line) => {
      expect(commandIn(line)).toBeUndefined();
    },
  );
});
