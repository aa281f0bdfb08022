import type { CommandWord, InboundCommand } from './classify-mail.ts';

const WORDS: Record<string, CommandWord> = {
  stop: 'STOP',
  unsubscribe: 'STOP',
  pause: 'PAUSE',
  resume: 'RESUME',
  quiet: 'QUIET',
};
const COMMAND_LINE = /^\*?(stop|unsubscribe|pause|resume|quiet)\*?(?:\s+(.{1,30}?))?[\s.!]*$/i;
const DURATION = /^(\d{1,3})\s*(d|w|m|days?|weeks?|months?)$/i;

/**
 * The command on the first non-empty line of a visible reply, if that line is nothing but a
 * command word (any case, trailing punctuation allowed). PAUSE may carry a duration, normalised
 * to number + unit letter ("2 weeks" → "2w"; d = days, w = weeks, m = months). A word followed by
 * anything else ("Stop by my office") is prose, not a command.
 */
export const commandIn = (visibleText: string): InboundCommand | undefined => {
  const first = visibleText.split('\n').find((line) => line.trim() !== '');
  const match = first ? COMMAND_LINE.exec(first.trim()) : null;
  if (!match) return undefined;
  const word = WORDS[(match[1] as string).toLowerCase()] as CommandWord;
  const argument = match[2]?.trim();
  if (!argument) return { word };
  if (word !== 'PAUSE') return undefined;
  const duration = DURATION.exec(argument);
  if (!duration) return undefined;
  return { word, argument: `${Number(duration[1])}${(duration[2] as string)[0]?.toLowerCase()}` };
};
