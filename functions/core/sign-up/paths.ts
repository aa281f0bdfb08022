/**
 * The addresses the web function answers, under `/join/`. A round's sign-up page is `/join/<roundId>`,
 * so the other pages' names are round ids no round may take (core/reserved-round-ids.ts lists them).
 */

/** Every page of the web function is under this prefix (CloudFront and the local front route on it). */
export const JOIN_PREFIX = '/join/';
/** The double opt-in: the link in the confirmation mail, and its button. */
export const CONFIRM_PATH = '/join/confirm';
/** Re-enrolment: the link in the closing and "next round open" mails, and its buttons. */
export const AGAIN_PATH = '/join/again';
/** The pages' script (see assets.ts). */
export const ASSETS_PREFIX = '/join/assets/';
