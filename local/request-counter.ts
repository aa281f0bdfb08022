/** Counts SDK requests by command name, for a simulation's "requests per mail" figures. */
export class RequestCounter {
  readonly byCommand = new Map<string, number>();

  /** Adds a counting step to a client's middleware stack (every attempt that is sent counts). */
  attach(client: { middlewareStack: { add: (mw: never, options: never) => void } }, name: string): void {
    const count =
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
        const command = context.commandName ?? 'unknown';
        this.byCommand.set(command, (this.byCommand.get(command) ?? 0) + 1);
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
}

export const DYNAMODB_WRITES = [
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
];
