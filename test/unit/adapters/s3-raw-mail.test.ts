import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3RawMailStore } from '#adapters/s3-raw-mail';
import { RawMailTooLarge } from '#ports/raw-mail';
import { clients } from '../aws-clients.ts';

const s3 = mockClient(S3Client);

/** A body as the SDK hands it over in Node: a stream, arriving in chunks. */
const streamed = (...chunks: string[]) => {
  const stream = Readable.from(chunks.map((chunk) => Buffer.from(chunk)));
  return { stream, body: stream as unknown as GetObjectCommandOutput['Body'] };
};

const store = new S3RawMailStore('tandem-raw-mail', 'inbound/', clients.s3);

describe('S3RawMailStore', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('reads the object SES wrote under the prefix, streamed chunk by chunk', async () => {
    // Prepare
    const { body } = streamed('Subject: hi\r\n', '\r\n', 'Thanks!\r\n');
    s3.on(GetObjectCommand).resolves({ Body: body });

    // Act
    const raw = await store.get('o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1', 1024);

    // Assess
    expect(Buffer.from(raw ?? []).toString()).toBe('Subject: hi\r\n\r\nThanks!\r\n');
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'tandem-raw-mail',
      Key: 'inbound/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1',
    });
  });

  it('refuses by the declared length without reading the body', async () => {
    // Prepare
    const { stream, body } = streamed('x'.repeat(10));
    s3.on(GetObjectCommand).resolves({ Body: body, ContentLength: 2048 });

    // Act
    const attempt = store.get('big', 1024);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(RawMailTooLarge);
    expect(stream.destroyed).toBe(true);
  });

  it('stops reading a stream that grows past the limit, whatever the declared length', async () => {
    // Prepare
    const { stream, body } = streamed('a'.repeat(600), 'b'.repeat(600), 'c'.repeat(600));
    s3.on(GetObjectCommand).resolves({ Body: body });

    // Act
    const attempt = store.get('sneaky', 1024);

    // Assess
    await expect(attempt).rejects.toThrow(new RawMailTooLarge('raw mail sneaky is larger than 1024 bytes'));
    expect(stream.destroyed).toBe(true);
  });

  it('accepts a message of exactly the limit', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({
      Body: streamed('a'.repeat(512), 'b'.repeat(512)).body,
      ContentLength: 1024,
    });

    // Act
    const raw = await store.get('exact', 1024);

    // Assess
    expect(raw?.length).toBe(1024);
  });

  it('answers undefined for a message that is not there', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );

    // Act
    const raw = await store.get('missing', 1024);

    // Assess
    expect(raw).toBeUndefined();
  });

  it('passes other S3 errors on, so that the invocation is retried', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('slow down'), { name: 'SlowDown' }));

    // Act
    const attempt = store.get('any', 1024);

    // Assess
    await expect(attempt).rejects.toThrow('slow down');
  });

  it('writes a message under the prefix as message/rfc822', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const raw = Buffer.from('Subject: replayed\r\n\r\nbody\r\n');

    // Act
    await store.put('replay-1', raw);

    // Assess
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'tandem-raw-mail',
      Key: 'inbound/replay-1',
      Body: raw,
      ContentType: 'message/rfc822',
    });
  });
});
