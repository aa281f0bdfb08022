import type { Command } from 'commander';
import * as z from 'zod';
import { type Round, Round as RoundSchema } from '#core/model';
import {
  DEFAULT_ESCALATION_DAYS,
  DEFAULT_INACTIVITY_DAYS,
  defaultCheckinDays,
  defaultTopicDays,
  roundEndDate,
} from '#core/schedule';
import { TransitionRejected } from '#ports/store';
import { topics } from '#templates/compiled/index';
import { roundIdArgument } from './arguments.ts';
import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { target, unreachable } from './target.ts';

/** YYYY-MM-DD that is a real calendar day (2026-02-30 is not). */
const calendarDate = (value: string): string => {
  const date = new Date(`${value}T00:00:00Z`);
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(date.getTime()) ||
    !date.toISOString().startsWith(value)
  ) {
    throw new CliError(`--start: expected a date as YYYY-MM-DD, got "${value}"`, ExitCode.usage);
  }
  return value;
};

const weeksOption = (value: string): number => {
  const weeks = Number(value);
  if (!/^\d+$/.test(value) || weeks < 1 || weeks > 104) {
    throw new CliError(`--weeks: expected a whole number from 1 to 104, got "${value}"`, ExitCode.usage);
  }
  return weeks;
};

const emailOption = (value: string): string => {
  const result = z.email().safeParse(value.trim());
  if (!result.success)
    throw new CliError(`--coordinator: "${value}" is not an email address`, ExitCode.usage);
  return result.data.toLowerCase();
};

interface CreateOptions {
  start: string;
  weeks: number;
  name?: string;
  coordinator?: string;
  json?: boolean;
}

/** The round as `round create` stores it: a draft with the default schedule for its length. */
export const newRound = (roundId: string, options: Omit<CreateOptions, 'json'>): Round => {
  const topicDays = defaultTopicDays(options.weeks, topics.length);
  const parsed = RoundSchema.safeParse({
    id: roundId,
    // Round names go into mail subjects and footers: one line.
    name: options.name?.replace(/\s+/g, ' ').trim() ?? roundId,
    startDate: options.start,
    weeks: options.weeks,
    topicDays,
    status: 'draft',
    checkinDays: defaultCheckinDays(options.weeks, topicDays),
    inactivityDays: DEFAULT_INACTIVITY_DAYS,
    escalationDays: DEFAULT_ESCALATION_DAYS,
    ...(options.coordinator ? { coordinatorEmail: options.coordinator } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`${issue?.path.join('.') || 'round'}: ${issue?.message}`, ExitCode.usage);
  }
  return parsed.data;
};

/** What `round create --json` prints. */
const summary = (round: Round) => ({
  roundId: round.id,
  name: round.name,
  status: round.status,
  startDate: round.startDate,
  endDate: roundEndDate(round.startDate, round.weeks),
  weeks: round.weeks,
  topicDays: round.topicDays,
  checkinDays: round.checkinDays,
  inactivityDays: round.inactivityDays,
  escalationDays: round.escalationDays,
  ...(round.coordinatorEmail ? { coordinatorEmail: round.coordinatorEmail } : {}),
});

/** Creates a draft round; an id already taken, in whatever state, is refused and nothing changes. */
export const createRoundCommand = async (roundIdArg: string, options: CreateOptions) => {
  const round = newRound(roundIdArgument(roundIdArg), options);
  const { store } = await target();
  const existing = await store.getRound(round.id).catch(unreachable);
  if (existing) {
    throw new CliError(
      `round ${round.id} already exists (${existing.status}, starting ${existing.startDate}): choose another id`,
      ExitCode.refused,
    );
  }
  await store.createRound(round).catch((error: unknown) => {
    // Someone created it between the read and the conditional write.
    if (error instanceof TransitionRejected) throw new CliError(error.message, ExitCode.refused);
    return unreachable(error);
  });
  const data = summary(round);
  print(
    options,
    data,
    () =>
      `Created round ${round.id} ("${round.name}"), a draft: ${round.weeks} weeks from ${data.startDate} to ${data.endDate}, ` +
      `${round.topicDays.length} topic${round.topicDays.length === 1 ? '' : 's'} (days ${round.topicDays.join(', ')}), ` +
      `check-in on day ${round.checkinDays.join(', ')}.\n` +
      `Next: tandem participants import <file> --round ${round.id}`,
  );
};

export const registerRoundCreate = (round: Command) => {
  round
    .command('create')
    .description('Create a draft round: a topic every fortnight from the start date, a check-in mid-round')
    .argument('<roundId>', 'the new round\'s id: 1-24 characters of a-z, 0-9 and "-"')
    .requiredOption(
      '--start <date>',
      'the first day, YYYY-MM-DD (topic 1 goes out at 09:00 local time)',
      calendarDate,
    )
    .option('--weeks <n>', 'length in weeks, 1-104', weeksOption, 16)
    .option('--name <name>', 'the name participants see in their mails (default: the round id)')
    .option('--coordinator <email>', "the coordinator's address for alerts and digests", emailOption)
    .option('--json', 'print the created round as JSON')
    .action(createRoundCommand);
};
