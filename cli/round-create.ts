import { InvalidRound, newRound } from '#core/coordinator/new-round';
import type { Round, RoundTopic } from '#core/model';
import { plural } from '#core/plural';
import { fieldsSet } from '#core/programme';
import { roundEndDate } from '#core/schedule';
import { roundTopicsOf } from '#core/topics/round-topics';
import { formatTopicFolderProblem, type TopicFolder } from '#core/topics/topic-folder';
import { createRound, RoundAlreadyExists } from '../functions/use-cases/coordinator/create-round.ts';
import { roundIdArgument } from './arguments.ts';
import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { readProgrammeFile } from './programme.ts';
import { target, unreachable } from './target.ts';
import { readTopicFolder } from './topics.ts';

interface CreateOptions {
  start: string;
  weeks: number;
  name?: string;
  coordinator?: string;
  /** A topic folder (docs/topics.md): the round's own topics, stored with it. */
  topics?: string;
  /** A programme settings file (docs/languages.md): the round's own, on top of the stage's. */
  programme?: string;
  json?: boolean;
}

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
  ...(round.programme ? { programme: round.programme } : {}),
});

/** The round as asked for, checked before the stack is asked anything (exit 2 naming the field). */
const roundAskedFor = (roundId: string, options: CreateOptions, ownTopics?: number): Round => {
  try {
    return newRound({
      id: roundId,
      startDate: options.start,
      weeks: options.weeks,
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.coordinator ? { coordinatorEmail: options.coordinator } : {}),
      ...(ownTopics === undefined ? {} : { ownTopics }),
    });
  } catch (error) {
    if (error instanceof InvalidRound) throw new CliError(error.message, ExitCode.usage);
    throw error;
  }
};

/**
 * `--topics <dir>`: the folder read and checked before the stack is asked anything. Every error is
 * listed on stderr as `path:line: message` and nothing is created (exit 1); no such folder is exit 2.
 */
const topicFolderAskedFor = async (dir: string): Promise<TopicFolder> => {
  const folder = await readTopicFolder(dir);
  if (folder.errors.length > 0) {
    for (const error of folder.errors) process.stderr.write(`${formatTopicFolderProblem(error)}\n`);
    throw new CliError(
      `${dir}: ${plural(folder.errors.length, 'error')} in the topics (tandem topics check ${dir}), so no round was created`,
      ExitCode.refused,
    );
  }
  return folder;
};

/** What the folder gives the round, for the output: its topics, languages, fallbacks, what does not fit. */
const topicsSummary = (dir: string, folder: TopicFolder, round: Round) => ({
  folder: dir,
  count: folder.englishFiles.length,
  languages: [...folder.languages],
  fallbacks: folder.fallbacks.map(({ file, language }) => ({ file, language })),
  /** Topics past the round's last fortnight: stored, never sent. */
  unscheduled: folder.englishFiles.length - round.topicDays.length,
});

/** The notices of `--topics` (people only): each fallback, and the topics the round has no room for. */
const topicNotices = (topics: ReturnType<typeof topicsSummary>): string =>
  [
    ...topics.fallbacks.map((fallback) => `${fallback.file}: falls back to English`),
    ...(topics.unscheduled > 0
      ? [
          `${plural(topics.unscheduled, 'topic')} of ${topics.folder} will not be sent: the round has room for ${topics.count - topics.unscheduled} (one a fortnight)`,
        ]
      : []),
  ]
    .map((line) => `${line}\n`)
    .join('');

/** Which programme settings the round speaks with (people only): none when it has the defaults. */
const programmeNotice = (round: Round, file: string | undefined): string => {
  const fields = fieldsSet(round.programme);
  if (fields.length === 0) return '';
  const from = file === undefined ? "the stage's" : `the stage's, with ${file} on top`;
  return `Programme settings (${from}): ${fields.join(', ')}; the rest are the defaults (tandem programme show).\n`;
};

/**
 * Creates a draft round; an id already taken, in whatever state, is refused and nothing changes. With
 * `--topics <dir>` the round's topics are the folder's, stored with the round when it is created: later
 * edits of the folder change nothing for it. The round keeps the programme settings in effect for it:
 * the stage's, with the fields of `--programme <file>` on top (checked before the stack is asked).
 */
export const createRoundCommand = async (roundIdArg: string, options: CreateOptions) => {
  const roundId = roundIdArgument(roundIdArg);
  const folder = options.topics === undefined ? undefined : await topicFolderAskedFor(options.topics);
  const round = roundAskedFor(roundId, options, folder?.englishFiles.length);
  const topics: RoundTopic[] = folder ? roundTopicsOf(round.id, folder) : [];
  const programme = options.programme === undefined ? undefined : await readProgrammeFile(options.programme);
  const stack = await target();
  const created = await createRound(stack, round, topics, { programme }).catch((error: unknown) => {
    if (error instanceof RoundAlreadyExists) throw new CliError(error.message, ExitCode.refused);
    return unreachable(error);
  });
  const own =
    folder && options.topics !== undefined ? topicsSummary(options.topics, folder, round) : undefined;
  const data = { ...summary(created), ...(own ? { topics: own } : {}) };
  print(
    options,
    data,
    () =>
      (own ? topicNotices(own) : '') +
      `Created round ${round.id} ("${round.name}"), a draft: ${round.weeks} weeks from ${data.startDate} to ${data.endDate}, ` +
      `${plural(round.topicDays.length, 'topic')}${own ? ` of its own from ${own.folder}, stored with the round` : ''} ` +
      `(days ${round.topicDays.join(', ')}), ` +
      `check-in on day ${round.checkinDays.join(', ')}.\n` +
      programmeNotice(created, options.programme) +
      `Next: tandem participants import <file> --round ${round.id}`,
  );
};
