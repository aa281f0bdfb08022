import { access, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, ExitCode } from './errors.ts';

/** The folders `tandem dev` keeps raw mail in when it has no --data folder: temporary ones. */
const DEV_RAW_MAIL_PREFIX = 'tandem-raw-mail-';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Where the local stack keeps the raw copies of these mails: --raw-mail-dir, else RAW_MAIL_DIR (what the
 * receive function reads), else the one temporary folder of a running `tandem dev` that holds one of
 * them; with none of these, exit 2 before anything changes.
 */
export const localRawMailFolder = async (
  rawMailDir: string | undefined,
  mailIds: readonly string[],
): Promise<string> => {
  const dir = rawMailDir ?? (process.env.RAW_MAIL_DIR || undefined);
  if (dir) return dir;
  const temporary = (await readdir(tmpdir()).catch(() => [] as string[]))
    .filter((name) => name.startsWith(DEV_RAW_MAIL_PREFIX))
    .map((name) => join(tmpdir(), name));
  const holding: string[] = [];
  for (const folder of temporary) {
    for (const mailId of mailIds) {
      if (await exists(join(folder, mailId))) {
        holding.push(folder);
        break;
      }
    }
  }
  if (holding.length === 1 && holding[0]) return holding[0];
  throw new CliError(
    `${mailIds.length} raw mail(s) from this person must be deleted, but the local raw-mail folder is ${
      holding.length > 1 ? `one of ${holding.join(', ')}` : 'unknown'
    }: pass --raw-mail-dir (\`tandem dev --data <dir>\` keeps raw mail in <dir>/raw-mail); nothing was changed`,
    ExitCode.usage,
  );
};
