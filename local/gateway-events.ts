import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { ACCOUNT_ID, awsError, ok, REGION, type Reply } from './gateway-reply.ts';

/** An event accepted by PutEvents, in the envelope EventBridge delivers to targets. */
export interface AcceptedEvent {
  eventBusName: string;
  event: EventBridgeEvent<string, unknown>;
}

interface RequestEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  EventBusName?: unknown;
  Resources?: unknown;
  Time?: unknown;
}

type ResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

const MAX_ENTRIES = 10;

/**
 * EventBridge `PutEvents` (awsJson1_1). As on AWS, a bad entry fails on its own, in the response's
 * `Entries`, and the rest go through; only a bad request as a whole is an HTTP error.
 */
export async function putEvents(
  input: { Entries?: unknown },
  now: Date,
  onEvents: (events: AcceptedEvent[]) => Promise<void>,
): Promise<Reply> {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
    const count = Array.isArray(entries) ? entries.length : 0;
    return awsError(
      400,
      'ValidationException',
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES} (got ${count})`,
    );
  }
  const accepted: AcceptedEvent[] = [];
  const results = entries.map((raw: unknown): ResultEntry => {
    const entry: RequestEntry = typeof raw === 'object' && raw !== null ? raw : {};
    const problem = validate(entry);
    if (problem) return problem;
    const id = randomUUID();
    accepted.push({ eventBusName: String(entry.EventBusName ?? 'default'), event: envelope(id, entry, now) });
    return { EventId: id };
  });
  if (accepted.length > 0) await onEvents(accepted);
  return ok({ FailedEntryCount: entries.length - accepted.length, Entries: results });
}

function validate(entry: RequestEntry): ResultEntry | undefined {
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  if (!isJsonObject(entry.Detail as string)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  return undefined;
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function envelope(id: string, entry: RequestEntry, now: Date): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id,
    'detail-type': entry.DetailType as string,
    source: entry.Source as string,
    account: ACCOUNT_ID,
    // The SDK sends Time as epoch seconds; EventBridge stamps events to the second.
    time: (typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : now)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z'),
    region: REGION,
    resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
    detail: JSON.parse(entry.Detail as string),
  };
}
