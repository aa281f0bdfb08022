import { Command, CommanderError } from 'commander';
import { vi } from 'vitest';
import { ExitCode, isCliError } from '#cli/errors';

/** What a `tandem …` run printed, and its exit code. */
export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * A `tandem` with just the commands `register` adds, run as cli/main.ts runs it, printing into strings:
 * a usage error exits 2, a CliError with its own code and message, an action that sets
 * `process.exitCode` with that code. No stack unless the test file mocks `#cli/target`.
 */
export const tandemWith =
  (...register: ((program: Command) => unknown)[]) =>
  async (...args: string[]): Promise<CliRun> => {
    let stdout = '';
    let stderr = '';
    const program = new Command()
      .name('tandem')
      .exitOverride()
      .configureOutput({
        writeOut: () => {},
        writeErr: (text) => {
          stderr += text;
        },
      });
    for (const add of register) add(program);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    try {
      await program.parseAsync(args, { from: 'user' });
      return { stdout, stderr, exitCode: Number(process.exitCode ?? ExitCode.ok) };
    } catch (error) {
      if (error instanceof CommanderError) return { stdout, stderr, exitCode: ExitCode.usage };
      if (isCliError(error))
        return { stdout, stderr: `${stderr}tandem: ${error.message}\n`, exitCode: error.exitCode };
      throw error;
    } finally {
      vi.restoreAllMocks();
    }
  };
