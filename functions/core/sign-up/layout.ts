import { pageHeaders } from '../web-page.ts';

/**
 * The frame of the sign-up pages: the shell every page shares (`../web-page.ts`), under the names the
 * sign-up pages and the web function use.
 */
export { type PageFrame, page } from '../web-page.ts';

/** The headers of every sign-up page: the form loads our one script (by origin), so they allow it. */
export const PAGE_HEADERS = pageHeaders({ script: true });
