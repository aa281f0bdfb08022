import type { CheckinAnswer } from '../model.ts';
import type { CommandWord, InboundCommand } from './classify-mail.ts';

/**
 * Command words in every language Tandem writes in (the mails tell each reader theirs), matched
 * without case or accents: "DÉSABONNER", "désabonner" and "desabonner" are one word.
 */
const WORDS: Record<string, CommandWord> = {
  stop: 'STOP',
  unsubscribe: 'STOP',
  baja: 'STOP',
  desabonner: 'STOP',
  desinscrire: 'STOP',
  parar: 'STOP',
  descadastrar: 'STOP',
  pause: 'PAUSE',
  pausa: 'PAUSE',
  pausar: 'PAUSE',
  resume: 'RESUME',
  reanudar: 'RESUME',
  reprendre: 'RESUME',
  retomar: 'RESUME',
  quiet: 'QUIET',
  silencio: 'QUIET',
  silence: 'QUIET',
};
const COMMAND_LINE = /^\*?([a-z]+)\*?(?:\s+(.{1,30}?))?[\s.!]*$/i;

/** Duration units, in the same languages: each to its letter (d days, w weeks, m months). */
const UNITS: Record<string, 'd' | 'w' | 'm'> = {
  d: 'd',
  day: 'd',
  days: 'd',
  dia: 'd',
  dias: 'd',
  jour: 'd',
  jours: 'd',
  j: 'd',
  w: 'w',
  week: 'w',
  weeks: 'w',
  semana: 'w',
  semanas: 'w',
  semaine: 'w',
  semaines: 'w',
  s: 'w',
  m: 'm',
  month: 'm',
  months: 'm',
  mes: 'm',
  meses: 'm',
  mois: 'm',
};
const DURATION = /^(\d{1,3})\s*([a-z]+)$/i;
const NORMALISED_DURATION = /^(\d{1,3})([dwm])$/;
const DAYS_PER_UNIT: Record<string, number> = { d: 1, w: 7, m: 30 };

/** Lower case without accents: how command words and units are compared. */
const bare = (text: string): string => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** The answers to a check-in, by the number the check-in mail asks people to reply with. */
const CHECKIN_ANSWERS: Record<string, CheckinAnswer> = { '1': 'yes', '2': 'not-yet', '3': 'not-managed' };
/** Nothing but the digit, and perhaps the punctuation people put after it ("2.", "1!", "3)"). */
const CHECKIN_LINE = /^([123])[.!)]*$/;

const firstLine = (visibleText: string): string | undefined =>
  visibleText
    .split('\n')
    .find((line) => line.trim() !== '')
    ?.trim();

/**
 * The command on the first non-empty line of a visible reply, if that line is nothing but a
 * command word (any case, with or without accents, trailing punctuation allowed). PAUSE may carry a
 * duration, normalised to number + unit letter ("2 weeks", "2 semanas" → "2w"; d = days, w = weeks,
 * m = months). A word followed by anything else ("Stop by my office") is prose, not a command.
 */
export const commandIn = (visibleText: string): InboundCommand | undefined => {
  const first = firstLine(visibleText);
  const match = first ? COMMAND_LINE.exec(bare(first)) : null;
  const word = match ? WORDS[match[1] as string] : undefined;
  if (!match || !word) return undefined;
  const argument = match[2]?.trim();
  if (!argument) return { word };
  if (word !== 'PAUSE') return undefined;
  const duration = DURATION.exec(argument);
  const unit = duration ? UNITS[duration[2] as string] : undefined;
  if (!duration || !unit) return undefined;
  return { word, argument: `${Number(duration[1])}${unit}` };
};

/**
 * The days a normalised PAUSE duration stands for ("10d" → 10, "2w" → 14, "1m" → 30: a month is
 * thirty days); undefined for anything else. The pause itself is bounded where it is applied.
 */
export const durationDays = (argument: string): number | undefined => {
  const match = NORMALISED_DURATION.exec(argument);
  return match ? Number(match[1]) * (DAYS_PER_UNIT[match[2] as string] as number) : undefined;
};

/**
 * The check-in answer in a visible reply: its first non-empty line is nothing but 1 (yes), 2 (not
 * yet) or 3 (not managed), optionally followed by ".", "!" or ")" and whitespace. Deliberately strict:
 * "1 - yes", "2 weeks ago" or "3 things I learnt" are prose, relayed to the partner as usual.
 * Full-width digits (typed with East Asian input methods) count as the digits they stand for.
 */
export const checkinAnswerIn = (visibleText: string): CheckinAnswer | undefined => {
  const first = firstLine(visibleText)?.normalize('NFKC');
  const match = first ? CHECKIN_LINE.exec(first) : null;
  return match ? CHECKIN_ANSWERS[match[1] as string] : undefined;
};
