import { unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RawMailEraser } from '#ports/personal-data';

/** Mail ids as SES (and the local SMTP server) make them: a file name, never a path. */
const MAIL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

const checked = (mailId: string): string => {
  if (!MAIL_ID.test(mailId)) throw new Error(`not a mail id: ${JSON.stringify(mailId)}`);
  return mailId;
};

/** Raw mail in the bucket the SES receipt rule writes to, under `<prefix><mail id>`. */
export class S3RawMailEraser implements RawMailEraser {
  constructor(
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly s3: S3Client,
  ) {}

  locate(mailId: string): string {
    return `s3://${this.bucket}/${this.prefix}${mailId}`;
  }

  /**
   * DeleteObject succeeds for a key that is not there. The bucket is not versioned (infra/constructs/
   * inbound-mail.ts), so this removes the mail itself, not just its current version.
   */
  async erase(mailId: string): Promise<void> {
    await this.s3.send(
      new DeleteObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${checked(mailId)}` }),
    );
  }
}

/** Raw mail in the local stack's folder, one file per mail (see FileRawMailStore). */
export class FileRawMailEraser implements RawMailEraser {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  locate(mailId: string): string {
    return join(this.dir, mailId);
  }

  async erase(mailId: string): Promise<void> {
    try {
      await unlink(join(this.dir, checked(mailId)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
