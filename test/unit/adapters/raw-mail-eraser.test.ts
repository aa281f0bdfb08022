import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileRawMailEraser, S3RawMailEraser } from '#adapters/raw-mail-eraser';
import { clients } from '../aws-clients.ts';

const MAIL = 'o3vrnil0e2ic28trm7dfhrc2v0clambfr8ktodg1';

describe('S3RawMailEraser', () => {
  const s3 = mockClient(S3Client);

  beforeEach(() => {
    s3.reset();
  });

  it('deletes the object the receipt rule wrote under the prefix', async () => {
    // Prepare
    s3.on(DeleteObjectCommand).resolves({});
    const eraser = new S3RawMailEraser('tandem-raw-mail', 'inbound/', clients.s3);

    // Act
    await eraser.erase(MAIL);

    // Assess
    expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'tandem-raw-mail',
      Key: `inbound/${MAIL}`,
    });
    expect(eraser.locate(MAIL)).toBe(`s3://tandem-raw-mail/inbound/${MAIL}`);
  });

  it('refuses a key that is no mail id rather than deleting elsewhere in the bucket', async () => {
    await expect(new S3RawMailEraser('b', 'inbound/', clients.s3).erase('../access-logs/x')).rejects.toThrow(
      'not a mail id',
    );
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });
});

describe('FileRawMailEraser', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tandem-eraser-test-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('deletes the mail file, and deleting it again is fine', async () => {
    // Prepare
    await writeFile(join(dir, MAIL), 'From: ana@example.org\r\n\r\nHello');
    await writeFile(join(dir, 'another'), 'From: ben@example.org\r\n\r\nHi');
    const eraser = new FileRawMailEraser(dir);

    // Act
    await eraser.erase(MAIL);
    await eraser.erase(MAIL);

    // Assess
    expect(await readdir(dir)).toEqual(['another']);
  });

  it('refuses a path', async () => {
    await expect(new FileRawMailEraser(dir).erase('../etc/passwd')).rejects.toThrow('not a mail id');
  });
});
