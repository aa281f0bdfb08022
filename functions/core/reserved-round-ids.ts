import { AGAIN_PATH, ASSETS_PREFIX, CONFIRM_PATH, JOIN_PREFIX } from './sign-up/paths.ts';

/** The console's "Create a round" form is `/console/rounds/<this>`. */
export const NEW_ROUND_PAGE = 'new';

/**
 * A round's sign-up page is `/join/<roundId>` and its console page `/console/rounds/<roundId>`, so the
 * names of the other pages there are round ids no round may take: each with the page it would hide.
 */
const RESERVED = new Map<string, string>([
  ...[CONFIRM_PATH, AGAIN_PATH, ASSETS_PREFIX].map((path): [string, string] => {
    const id = path.slice(JOIN_PREFIX.length).replace(/\/$/, '');
    return [id, `/join/${id} is another page of the sign-up site`];
  }),
  [NEW_ROUND_PAGE, `/console/rounds/${NEW_ROUND_PAGE} is the console's form to create a round`],
]);

/** Every reserved round id, for messages and docs. */
export const RESERVED_ROUND_IDS: readonly string[] = [...RESERVED.keys()].sort();

/** Why `id` is no round's to take, as a refusal says it, or undefined when it is free. */
export const reservedRoundIdRefusal = (id: string): string | undefined => {
  const clash = RESERVED.get(id);
  return clash && `"${id}" is reserved (${clash}); choose another round id`;
};
