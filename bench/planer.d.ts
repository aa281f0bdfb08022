// planer ships no types; the bench uses only its plain-text entry point.
declare module 'planer' {
  /** The reply without quotations, as talon's plain-text algorithm finds them. */
  export function extractFromPlain(body: string): string;
}
