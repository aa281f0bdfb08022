import * as z from 'zod';

/**
 * What producer, bus rule and consumer of an event agree on: who sends it (`source`), what it is
 * (`detailType`) and the zod schema of its `detail`. Publishing checks the detail against it before
 * anything is sent, the rules that route it are built from it (`eventPattern`), and the handler that
 * receives it parses the envelope against it (`parseEvent`), so none of the three can drift.
 *
 * One detail schema may serve several detail types (SES reports each outcome of a send as its own
 * detail type, all with the same record): such a contract can be received, not published.
 */
export interface EventContract<
  Detail extends z.ZodType = z.ZodType,
  DetailType extends string | readonly string[] = string | readonly string[],
> {
  readonly source: string;
  readonly detailType: DetailType;
  readonly detail: Detail;
}

/** A contract with exactly one detail type, which is what publishing needs. */
export type PublishedEvent<Detail extends z.ZodType = z.ZodType> = EventContract<Detail, string>;

/** One line per zod issue, each naming the field from `root` down (`detail.roundId: …`). */
const describeIssues = (issues: readonly z.core.$ZodIssue[], root: string): string =>
  issues
    .map(
      (issue) =>
        `${[root, ...issue.path.map(String)].filter(Boolean).join('.') || 'event'}: ${issue.message}`,
    )
    .join('; ');

/** A detail its contract refuses; thrown before anything reaches the bus. */
export class InvalidEventDetail extends Error {
  override readonly name = 'InvalidEventDetail';

  constructor(
    readonly detailType: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${detailType} not published, its detail is invalid: ${problem}`, options);
  }
}

/**
 * The detail as it goes on the bus: parsed by the contract's schema, so that defaults are applied and
 * nothing the schema refuses (a missing or malformed field, an unknown one where it is strict) is sent.
 * @throws {InvalidEventDetail} naming each field that is wrong.
 */
export const detailToPublish = <Detail extends z.ZodType>(
  contract: PublishedEvent<Detail>,
  detail: z.input<Detail>,
): z.output<Detail> => {
  const parsed = contract.detail.safeParse(detail);
  if (!parsed.success)
    throw new InvalidEventDetail(contract.detailType, describeIssues(parsed.error.issues, 'detail'), {
      cause: parsed.error,
    });
  return parsed.data;
};

/** The detail types a contract covers, as a list. */
const detailTypesOf = (contract: EventContract): readonly string[] =>
  typeof contract.detailType === 'string' ? [contract.detailType] : contract.detailType;

/**
 * The EventBridge event pattern that matches this contract's events and no other: its source and its
 * detail type(s). Bus rules are built with it, so a rule always matches what the contract describes.
 */
export const eventPattern = (contract: EventContract): { source: string[]; 'detail-type': string[] } => ({
  source: [contract.source],
  'detail-type': [...detailTypesOf(contract)],
});

// Only the parts of EventBridge's envelope a handler relies on; the rest (account, region, resources…)
// is EventBridge's business.
const Envelope = z.object({
  id: z.string().min(1),
  source: z.string(),
  'detail-type': z.string(),
  time: z.string().optional(),
  detail: z.unknown(),
});

/** An event that kept its contract. */
export interface ReceivedEvent<Detail> {
  ok: true;
  /** EventBridge's id of the event, which a redelivery keeps: the key of idempotent handling. */
  id: string;
  /** When the event happened, as its producer or EventBridge stamped it. */
  time: string | undefined;
  detail: Detail;
}

/** An event that broke its contract: the handler logs and drops it, since no retry can mend it. */
export interface RejectedEvent {
  ok: false;
  /** The event's id, when it has one, to correlate the log line. */
  id?: string;
  /** The event's detail type, when it has one: what was received instead. */
  detailType?: string;
  /** What is wrong, naming the field (`detail.roundId: …`, `source: …`). */
  problem: string;
}

/**
 * Parses an event a bus rule delivered against the contract it should keep: the envelope (a non-empty
 * id), the source and detail type the contract names, and the detail its schema describes. Never
 * throws: whatever the input, the answer is the typed event or a rejection saying what is wrong.
 */
export const parseEvent = <Detail extends z.ZodType>(
  contract: EventContract<Detail>,
  event: unknown,
): ReceivedEvent<z.output<Detail>> | RejectedEvent => {
  const envelope = Envelope.safeParse(event);
  if (!envelope.success) return { ok: false, problem: describeIssues(envelope.error.issues, '') };
  const { id, source, 'detail-type': detailType, time } = envelope.data;
  const rejected = (problem: string): RejectedEvent => ({ ok: false, id, detailType, problem });
  if (source !== contract.source)
    return rejected(`source: expected ${JSON.stringify(contract.source)}, got ${JSON.stringify(source)}`);
  const detailTypes = detailTypesOf(contract);
  if (!detailTypes.includes(detailType))
    return rejected(
      `detail-type: expected ${detailTypes.map((t) => JSON.stringify(t)).join(' or ')}, got ${JSON.stringify(detailType)}`,
    );
  const detail = contract.detail.safeParse(envelope.data.detail);
  if (!detail.success) return rejected(describeIssues(detail.error.issues, 'detail'));
  return { ok: true, id, time, detail: detail.data };
};
