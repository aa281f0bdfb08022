import { createHash } from 'node:crypto';
import { ASSETS_PREFIX } from './paths.ts';

/**
 * The one script of the sign-up pages, served by the web function itself (`script-src 'self'`). The
 * pages work without it; with it, the time zone is filled in from the browser (still editable) and the
 * error summary takes the focus, so a screen reader starts there.
 */
const SIGN_UP_SCRIPT = `(function () {
  var summary = document.querySelector('.summary-box');
  if (summary) summary.focus();
  var zone = document.getElementById('timezone');
  if (zone && !zone.value) {
    try {
      zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch (e) {}
  }
})();
`;

// The name carries the content's hash, so a browser may keep it for a year: a new script is a new name.
const hash = createHash('sha256').update(SIGN_UP_SCRIPT).digest('hex').slice(0, 12);

/** Where the script is served. */
export const SIGN_UP_SCRIPT_PATH = `${ASSETS_PREFIX}sign-up-${hash}.js`;

/** The asset at `path`, if it is ours. */
export const assetAt = (path: string): { body: string; contentType: string } | undefined =>
  path === SIGN_UP_SCRIPT_PATH
    ? { body: SIGN_UP_SCRIPT, contentType: 'text/javascript; charset=utf-8' }
    : undefined;
