import * as fs from 'node:fs/promises';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileRawMailStore, InvalidRawMailKey } from '#adapters/file-raw-mail';
import { RawMailTooLarge } from '#ports/raw-mail';

// The store's rename is spied on to look at the folder at the moment the new message replaces the old.
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  return { ...original, rename: vi.fn(original.rename) };
});
const { rename: realRename } = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');

let dir: string;
let store: FileRawMailStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tandem-raw-mail-'));
  store = new FileRawMailStore(join(dir, 'raw'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const raw = Buffer.from('From: aroha@example.org\r\nSubject: Re: topic 2\r\n\r\nThanks!\r\n');

describe('FileRawMailStore', () => {
  it('stores a message as one file named by its key and reads it back', async () => {
    // Act
    await store.put('o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1', raw);
    const read = await store.get('o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1', 1024);

    // Assess
    expect(Buffer.from(read ?? [])).toEqual(raw);
    expect(await readFile(join(dir, 'raw', 'o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1'))).toEqual(raw);
  });

  it('replaces a stored message whole and leaves no temporary file behind', async () => {
    // Prepare
    await store.put('msg-1', Buffer.from('first version, rather longer than the second'));

    // Act
    await store.put('msg-1', Buffer.from('second'));

    // Assess
    expect(Buffer.from((await store.get('msg-1', 1024)) ?? []).toString()).toBe('second');
    expect(await readdir(join(dir, 'raw'))).toEqual(['msg-1']);
  });

  it('writes the new message beside the old one and renames it over, so readers see one or the other', async () => {
    // Prepare
    await store.put('msg-2', Buffer.from('old'));
    let seenAtRename: { target: string; temporary: string; name: string } | undefined;
    vi.mocked(fs.rename).mockImplementationOnce(async (from, to) => {
      seenAtRename = {
        target: await fs.readFile(to, 'utf8'),
        temporary: await fs.readFile(from, 'utf8'),
        name: basename(String(from)),
      };
      return realRename(from, to);
    });

    // Act
    await store.put('msg-2', Buffer.from('new, complete'));

    // Assess
    expect(seenAtRename).toEqual({
      target: 'old',
      temporary: 'new, complete',
      name: expect.stringMatching(/^\.msg-2\..*\.tmp$/),
    });
    expect(Buffer.from((await store.get('msg-2', 1024)) ?? []).toString()).toBe('new, complete');
  });

  it('removes its temporary file when the rename fails', async () => {
    // Prepare: a directory in the way makes the rename fail.
    await mkdir(join(dir, 'raw', 'msg-3'), { recursive: true });

    // Act
    const attempt = store.put('msg-3', raw);

    // Assess
    await expect(attempt).rejects.toThrow();
    expect(await readdir(join(dir, 'raw'))).toEqual(['msg-3']);
  });

  it('answers undefined for a key that was never stored', async () => {
    // Act
    const read = await store.get('never-stored', 1024);

    // Assess
    expect(read).toBeUndefined();
  });

  it('refuses a message over the limit by its size on disk', async () => {
    // Prepare
    await store.put('big', Buffer.alloc(2048, 'x'));

    // Act
    const attempt = store.get('big', 1024);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(RawMailTooLarge);
  });

  it.each([
    ['a parent directory', '..'],
    ['the directory itself', '.'],
    ['a path through the parent', '../escaped'],
    ['an absolute path', '/etc/passwd'],
    ['a nested path', 'inbound/msg'],
    ['a Windows separator', '..\\escaped'],
    ['a hidden name', '.msg-1.tmp'],
    ['an empty key', ''],
    ['a NUL byte', 'msg\0'],
    ['an over-long key', 'a'.repeat(201)],
  ])('rejects %s as a key, for reading and writing', async (_case, key) => {
    // Act
    const writing = store.put(key, raw);
    const reading = store.get(key, 1024);

    // Assess
    await expect(writing).rejects.toBeInstanceOf(InvalidRawMailKey);
    await expect(reading).rejects.toThrow(/invalid raw mail key/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('reads nothing outside its folder, even where a file exists', async () => {
    // Prepare
    await writeFile(join(dir, 'secret'), 'not mail');

    // Act
    const attempt = store.get('../secret', 1024);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidRawMailKey);
  });
});
