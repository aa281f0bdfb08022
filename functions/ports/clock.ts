/** Time as the application sees it. Pacing and backoff sleep through it, so a virtual clock makes them free. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}
