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
