import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type RawMailStore, RawMailTooLarge } from '#ports/raw-mail';

/** A key that is not a plain file name in the store's folder. */
export class InvalidRawMailKey extends Error {
  override name = 'InvalidRawMailKey';
}

/**
 * Letters, digits, `.`, `_` and `-`, as SES message ids are, and not starting with a dot: that rules
 * out `.`, `..` and hidden names (the store's own temporary files start with a dot).
 */
const KEY = /^[A-Za-z0-9._-]{1,200}$/;

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/** Raw inbound mail as one file per message in a folder: the local stack's stand-in for the S3 bucket. */
export class FileRawMailStore implements RawMailStore {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async put(key: string, raw: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(this.dir, { recursive: true });
    // Written beside the target and renamed over it, so a reader sees the whole message or none of it.
    const temporary = join(this.dir, `.${key}.${randomUUID()}.tmp`);
    try {
      await writeFile(temporary, raw, { flag: 'wx' });
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  async get(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    const path = this.pathOf(key);
    try {
      if ((await stat(path)).size > maxBytes) throw tooLarge(key, maxBytes);
      const raw = await readFile(path);
      // Files are only ever replaced whole, but a hand-edited one could have grown since the stat.
      if (raw.length > maxBytes) throw tooLarge(key, maxBytes);
      return raw;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  private pathOf(key: string): string {
    if (!KEY.test(key) || key.startsWith('.')) {
      throw new InvalidRawMailKey(
        `invalid raw mail key ${JSON.stringify(key)}: use 1-200 letters, digits, ".", "_" or "-", not starting with "."`,
      );
    }
    return join(this.dir, key);
  }
}

const tooLarge = (key: string, maxBytes: number) =>
  new RawMailTooLarge(`raw mail ${key} is larger than ${maxBytes} bytes`);
