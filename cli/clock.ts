import { parseDuration } from '#local/clock';
import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { control as localControl } from './target.ts';

const control = (path: string, init?: RequestInit) => localControl<{ now: string }>(path, init);

/** `tandem clock show`: the local stack's clock. */
export const showClockCommand = async (options: { json?: boolean }) => {
  const { now } = await control('/clock');
  print(options, { now }, () => now);
};

/** `tandem clock advance <duration>`: moves the local clock ahead, firing the schedules on the way. */
export const advanceClockCommand = async (duration: string, options: { json?: boolean }) => {
  let ms: number;
  try {
    ms = parseDuration(duration);
  } catch (error) {
    throw new CliError(`duration: ${(error as Error).message}`, ExitCode.usage);
  }
  const { now } = await control('/clock/advance', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ms }),
  });
  print(options, { now }, () => `Local clock is now ${now}`);
};
