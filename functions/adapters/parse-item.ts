import type { z } from 'zod';
import { StoredItemInvalid } from '#ports/errors';

/**
 * Parses a stored item back through its schema, naming the item if it does not fit.
 * @throws {StoredItemInvalid} when it does not.
 */
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
