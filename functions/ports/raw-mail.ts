/** The raw message is larger than we are willing to read. */
export class RawMailTooLarge extends Error {
  override name = 'RawMailTooLarge';
}

/**
 * Where raw inbound mail is kept before anything reads it, so every message can be processed again
 * (`tandem inbound replay`). S3 on AWS (SES writes it there); a folder on the local stack.
 */
export interface RawMailStore {
  /** Stores the raw bytes under `key`; storing the same key again replaces it. */
  put(key: string, raw: Uint8Array): Promise<void>;
  /** The raw bytes, or undefined if there is no such message; throws RawMailTooLarge past `maxBytes`. */
  get(key: string, maxBytes: number): Promise<Uint8Array | undefined>;
}
