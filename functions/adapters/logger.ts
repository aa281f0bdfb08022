import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger per process (service POWERTOOLS_SERVICE_NAME, default `tandem`). */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'tandem' });

export type LogLevel = Parameters<Logger['setLogLevel']>[0];

/**
 * Sets the logger's level unless the environment chose one (POWERTOOLS_LOG_LEVEL or LOG_LEVEL, which
 * the logger read when it was made): how the local stack keeps the functions quiet on a terminal, or in
 * a test run, while a developer can still turn them up — without writing the variable.
 */
export const setDefaultLogLevel = (level: LogLevel): void => {
  if (!process.env.POWERTOOLS_LOG_LEVEL && !process.env.LOG_LEVEL) logger.setLogLevel(level);
};

/**
 * The ids that tie a log line to what it is about. Ids only: a line never carries an address or a
 * name, so logs hold no personal data and need no erasing.
 */
export interface Correlation {
  roundId?: string;
  partnershipId?: string;
  participantId?: string;
  /** A sign-up waiting for its confirmation (its random id, never the address). */
  signUpId?: string;
  /**
   * SES's id of the mail the line is about: the one the sender sent, the one a bounce or complaint
   * is about (so the two lines can be joined), or the inbound one the receiver handles (also the key
   * of its raw copy).
   */
  messageId?: string;
  /** The send queue's message: one send job, and what a redelivery keeps. */
  sqsMessageId?: string;
  /** The EventBridge event (launch, member change, SES event). */
  eventId?: string;
}

type Attributes = Record<string, unknown>;

/** A logger for one record or invocation: every line carries its correlation ids. */
export interface CorrelatedLog {
  readonly correlation: Correlation;
  debug(message: string, attributes?: Attributes): void;
  info(message: string, attributes?: Attributes): void;
  warn(message: string, attributes?: Attributes): void;
  error(message: string, attributes?: Attributes): void;
  /** The same log with more (or newly known) ids. */
  with(more: Correlation): CorrelatedLog;
}

const defined = (values: Attributes): Attributes =>
  Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));

/**
 * The ids are passed with each line rather than appended to the shared logger (`appendKeys`): the local
 * stack runs many invocations at once in one process, where appended keys would label one invocation's
 * lines with another's ids, and a child logger per record costs about 0.3 ms, which the simulation of a
 * 10,000-person round (120,000 send jobs) would feel.
 */
export const correlated = (correlation: Correlation, base: Logger = logger): CorrelatedLog => {
  const ids = defined({ ...correlation });
  const line =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, attributes: Attributes = {}) => {
      const all = { ...defined(attributes), ...ids };
      if (Object.keys(all).length === 0) base[level](message);
      else base[level](message, all);
    };
  return {
    correlation: ids as Correlation,
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    with: (more) => correlated({ ...ids, ...defined({ ...more }) }, base),
  };
};

// A slash on either side is a path (`node_modules/@aws-sdk/…` in a stack trace), not an address.
const ADDRESS = /[^\s<>"'(),;:@/]+@[^\s<>"'(),;:@/]+\.[A-Za-z]{2,}\b/g;

/** An error for a log line, with any mail address in its message replaced (SES names addresses in some errors). */
export const loggableError = (error: unknown): Attributes => {
  if (!(error instanceof Error)) return { message: String(error).replace(ADDRESS, '<address>') };
  return {
    name: error.name,
    message: error.message.replace(ADDRESS, '<address>'),
    ...(error.stack ? { stack: error.stack.replace(ADDRESS, '<address>') } : {}),
  };
};
