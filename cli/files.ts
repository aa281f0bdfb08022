import { readFile, stat, writeFile } from 'node:fs/promises';
import { CliError, ExitCode } from './errors.ts';

/** Larger than any real cohort's file; a bigger one is almost certainly the wrong file. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Reads a coordinator's UTF-8 text file (registrations, an edited proposal), refusing what cannot be one. */
export const readTextFile = async (file: string): Promise<string> => {
  const size = await stat(file).then(
    (s) => (s.isFile() ? s.size : undefined),
    () => undefined,
  );
  if (size === undefined) throw new CliError(`${file}: no such file`, ExitCode.usage);
  if (size > MAX_FILE_BYTES) {
    throw new CliError(`${file}: ${size} bytes is more than such a file can be (20 MB)`, ExitCode.usage);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await readFile(file));
  } catch (error) {
    throw new CliError(`${file}: not UTF-8 text (in a spreadsheet, save it as "CSV UTF-8")`, ExitCode.usage, {
      cause: error,
    });
  }
};

/** Writes an output file named by `option`; a path that cannot be written is a usage error. */
export const writeOutputFile = async (option: string, file: string, contents: string): Promise<void> => {
  try {
    await writeFile(file, contents);
  } catch (error) {
    throw new CliError(`${option} ${file}: ${(error as Error).message}`, ExitCode.usage, { cause: error });
  }
};
