import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type RawMailStore, RawMailTooLarge } from '#ports/raw-mail';

const tooLarge = (key: string, maxBytes: number) =>
  new RawMailTooLarge(`raw mail ${key} is larger than ${maxBytes} bytes`);

/**
 * Raw inbound mail in S3, where the receipt rule's S3 action writes each message under
 * `<prefix><messageId>`. The function reads it; `put` is for replay tooling.
 */
export class S3RawMailStore implements RawMailStore {
  constructor(
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly s3: S3Client,
  ) {}

  async put(key: string, raw: Uint8Array): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: `${this.prefix}${key}`,
        Body: raw,
        ContentType: 'message/rfc822',
      }),
    );
  }

  async get(key: string, maxBytes: number): Promise<Uint8Array | undefined> {
    let body: unknown;
    try {
      const object = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${key}` }),
      );
      body = object.Body;
      // The declared length spares downloading what would be refused anyway.
      if (object.ContentLength !== undefined && object.ContentLength > maxBytes) {
        if (body instanceof Readable) body.destroy();
        throw tooLarge(key, maxBytes);
      }
    } catch (error) {
      if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
      throw error;
    }
    if (!(body instanceof Readable)) throw new Error(`S3 returned no readable body for ${key}`);
    return readAtMost(body, maxBytes, key);
  }
}

/** Reads the stream into one buffer, giving up (and closing the connection) once past `maxBytes`. */
const readAtMost = async (body: Readable, maxBytes: number, key: string): Promise<Uint8Array> => {
  const chunks: Buffer[] = [];
  let length = 0;
  // Leaving the loop early (the throw) destroys the stream, which releases the HTTP connection.
  for await (const chunk of body) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    length += bytes.length;
    if (length > maxBytes) throw tooLarge(key, maxBytes);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, length);
};
