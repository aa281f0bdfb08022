import type { PriceTable } from './prices.ts';

/** One function's invocations and billed time: each invocation's duration rounded up to 1 ms, summed. */
export interface FunctionUsage {
  invocations: number;
  billedMs: number;
  memoryMb: number;
}

/** What a round used of each billed service (local/usage-meter.ts counts it; docs/cost.md says how). */
export interface RoundUsage {
  dynamodb: { readUnits: number; writeUnits: number };
  ses: { sent: number; received: number; receivedChunks: number };
  lambda: Record<string, FunctionUsage>;
  sqs: { requests: number };
  eventBridge: { events: number };
  s3: { puts: number; gets: number };
  logs: { bytes: number };
}

export type Service = keyof RoundUsage;

export interface RoundCost {
  usd: number;
  byService: Record<Service, number>;
  /** Which price table: its region and when its figures were taken. */
  prices: string;
  /** The counts the dollars come from, so that a round of another size can be costed from them. */
  usage: RoundUsage;
}

/** Lambda's GB is 1,024 MB, CloudWatch's 2^30 bytes. */
const MB_PER_GB = 1024;
const BYTES_PER_GB = 2 ** 30;

/** Dollars to the micro-dollar: a small round's SQS or S3 cost is a fraction of a cent. */
const dollars = (usd: number) => Math.round(usd * 1e6) / 1e6;

const perMillion = (count: number, price: number) => (count / 1e6) * price;
const perThousand = (count: number, price: number) => (count / 1e3) * price;

const lambdaCost = (functions: Record<string, FunctionUsage>, prices: PriceTable['lambda']) =>
  Object.values(functions).reduce(
    (usd, { invocations, billedMs, memoryMb }) =>
      usd +
      perMillion(invocations, prices.perMillionRequests) +
      (billedMs / 1000) * (memoryMb / MB_PER_GB) * prices.perGbSecond,
    0,
  );

/** What `usage` costs at `prices`, by service and in all. Pure: the counts and the table in, dollars out. */
export const roundCost = (usage: RoundUsage, prices: PriceTable): RoundCost => {
  const { dynamodb, ses, sqs, eventBridge, s3, logs } = usage;
  const byService: Record<Service, number> = {
    dynamodb: dollars(
      perMillion(dynamodb.readUnits, prices.dynamodb.perMillionReadUnits) +
        perMillion(dynamodb.writeUnits, prices.dynamodb.perMillionWriteUnits),
    ),
    ses: dollars(
      perThousand(ses.sent, prices.ses.perThousandSent) +
        perThousand(ses.received, prices.ses.perThousandReceived) +
        perThousand(ses.receivedChunks, prices.ses.perThousandReceivedChunks),
    ),
    lambda: dollars(lambdaCost(usage.lambda, prices.lambda)),
    sqs: dollars(perMillion(sqs.requests, prices.sqs.perMillionRequests)),
    eventBridge: dollars(perMillion(eventBridge.events, prices.eventBridge.perMillionEvents)),
    s3: dollars(
      perThousand(s3.puts, prices.s3.perThousandPuts) + perThousand(s3.gets, prices.s3.perThousandGets),
    ),
    logs: dollars((logs.bytes / BYTES_PER_GB) * prices.logs.perGbIngested),
  };
  const usd = dollars(Object.values(byService).reduce((a, b) => a + b, 0));
  return { usd, byService, prices: prices.source, usage };
};

const SERVICE_NAMES: Record<Service, string> = {
  dynamodb: 'DynamoDB',
  ses: 'SES',
  lambda: 'Lambda',
  sqs: 'SQS',
  eventBridge: 'EventBridge',
  s3: 'S3',
  logs: 'CloudWatch Logs',
};

const usdText = (usd: number) => `$${usd.toFixed(4)}`;

/** One line for people: the total, then each service from the dearest, and the price table. */
export const describeCost = ({ usd, byService, prices }: RoundCost): string => {
  const services = (Object.entries(byService) as [Service, number][])
    .sort(([, a], [, b]) => b - a)
    .map(([service, cost]) => `${SERVICE_NAMES[service]} ${usdText(cost)}`);
  return `${usdText(usd)} (${services.join(', ')}; ${prices})`;
};
