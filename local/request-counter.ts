/**
 * Counts SDK requests by command name, for a simulation's "requests per mail" figures, and the entries
 * batch requests carry (PutEvents' events, SendMessageBatch's messages), which are what those services bill.
 */
export class RequestCounter {
  readonly byCommand = new Map<string, number>();
  /** A batch request's `Entries`; one for any other request. */
  readonly entriesByCommand = new Map<string, number>();

  /** Adds a counting step to a client's middleware stack (every attempt that is sent counts). */
  attach(client: { middlewareStack: { add: (mw: never, options: never) => void } }, name: string): void {
    const count =
      (
        next: (args: { input?: { Entries?: unknown } }) => Promise<unknown>,
        context: { commandName?: string },
      ) =>
      (args: { input?: { Entries?: unknown } }) => {
        const command = context.commandName ?? 'unknown';
        const entries = args.input?.Entries;
        add(this.byCommand, command, 1);
        add(this.entriesByCommand, command, Array.isArray(entries) ? entries.length : 1);
        return next(args);
      };
    client.middlewareStack.add(count as never, { step: 'finalizeRequest', name, override: true } as never);
  }

  snapshot(): Map<string, number> {
    return new Map(this.byCommand);
  }

  /** Requests since a snapshot, optionally only of some commands. */
  since(snapshot: Map<string, number>, commands?: readonly string[]): number {
    let sum = 0;
    for (const [command, n] of this.byCommand) {
      if (!commands || commands.includes(command)) sum += n - (snapshot.get(command) ?? 0);
    }
    return sum;
  }

  /** Requests so far, optionally only of some commands. */
  requests(commands?: readonly string[]): number {
    return this.since(new Map(), commands);
  }

  /** Entries of all requests so far, optionally only of some commands. */
  entries(commands?: readonly string[]): number {
    let sum = 0;
    for (const [command, n] of this.entriesByCommand) if (!commands || commands.includes(command)) sum += n;
    return sum;
  }
}

const add = (counts: Map<string, number>, command: string, n: number) =>
  counts.set(command, (counts.get(command) ?? 0) + n);

export const DYNAMODB_WRITES = [
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
];
