import { CommanderError } from 'commander';
import { ExitCode, isCliError } from './errors.ts';
import { tandemProgram } from './program.ts';

try {
  await tandemProgram().parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else if (isCliError(error)) {
    console.error(`tandem: ${error.message}`);
    process.exitCode = error.exitCode;
  } else {
    console.error(`tandem: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = ExitCode.unavailable;
  }
}
