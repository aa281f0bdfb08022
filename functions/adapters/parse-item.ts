import type { z } from 'zod';

/**
 * A stored item does not fit its schema (written by an older version, or edited by hand). Permanent:
 * reading it again gives the same answer, so it is worth a log line and a person, not a retry.
 */
export class StoredItemInvalid extends Error {
  override name = 'StoredItemInvalid';
}

/** Parses a stored item back through its schema, naming the item if it does not fit. */
export const parseItem = <S extends z.ZodType>(
  schema: S,
  item: Record<string, unknown>,
  what: string,
): z.output<S> => {
  const result = schema.safeParse(item);
  if (!result.success) {
    throw new StoredItemInvalid(
      `stored ${what} ${item.pk}/${item.sk} is invalid: ${result.error.issues[0]?.message}`,
    );
  }
  return result.data;
};
