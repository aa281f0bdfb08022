import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FileRawMailStore } from '#adapters/file-raw-mail';
import { type RawMailStore, RawMailTooLarge } from '#ports/raw-mail';
import { InMemoryRawMail } from '../unit/use-cases/fakes.ts';
import { describeContract } from './harness.ts';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (raw: Uint8Array | undefined) => (raw ? new TextDecoder().decode(raw) : undefined);

describeContract<RawMailStore>(
  'RawMailStore',
  {
    InMemoryRawMail: () => new InMemoryRawMail(),
    // The local stack's stand-in for the S3 bucket: a folder, here a fresh one per test.
    FileRawMailStore: async () => {
      const folder = await mkdtemp(join(tmpdir(), 'tandem-raw-mail-'));
      folders.push(folder);
      return new FileRawMailStore(folder);
    },
  },
  (make) => {
    it('gives back the bytes stored under a key, and nothing for a key never stored', async () => {
      const rawMail = await make();

      await rawMail.put('ses-mail-1', bytes('Subject: hello\r\n\r\nhi'));

      expect(text(await rawMail.get('ses-mail-1', 1_000))).toBe('Subject: hello\r\n\r\nhi');
      expect(await rawMail.get('ses-mail-2', 1_000)).toBeUndefined();
    });

    it('replaces what a key held when it is stored again', async () => {
      const rawMail = await make();
      await rawMail.put('ses-mail-1', bytes('first'));

      await rawMail.put('ses-mail-1', bytes('second'));

      expect(text(await rawMail.get('ses-mail-1', 1_000))).toBe('second');
    });

    it('reads a mail of exactly the limit, and refuses one byte more', async () => {
      const rawMail = await make();
      await rawMail.put('ses-mail-1', bytes('12345'));

      expect(text(await rawMail.get('ses-mail-1', 5))).toBe('12345');
      await expect(rawMail.get('ses-mail-1', 4)).rejects.toBeInstanceOf(RawMailTooLarge);
    });
  },
);
