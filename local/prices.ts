/**
 * The on-demand list prices a simulated round is costed at, in US dollars, with the first paid tier of
 * every service and no free tier (a free tier is the account's, not the round's). Each figure names where
 * it was read; docs/cost.md has the table and what each unit means.
 */
export interface PriceTable {
  /** Where and when the figures were taken, as the cost reports it. */
  source: string;
  dynamodb: { perMillionReadUnits: number; perMillionWriteUnits: number };
  ses: { perThousandSent: number; perThousandReceived: number; perThousandReceivedChunks: number };
  lambda: { perMillionRequests: number; perGbSecond: number };
  sqs: { perMillionRequests: number };
  eventBridge: { perMillionEvents: number };
  s3: { perThousandPuts: number; perThousandGets: number };
  logs: { perGbIngested: number };
}

export const US_EAST_1: PriceTable = {
  source: 'list prices as published, December 2026, us-east-1',
  // Standard table class, after the November 2024 halving of on-demand prices (airbyte.com's DynamoDB
  // pricing guide, US East; the AWS page renders its table client-side).
  dynamodb: { perMillionReadUnits: 0.125, perMillionWriteUnits: 0.625 },
  // À la carte: $0.0001 per outbound recipient, $0.0001 per inbound mail and $0.00009 per incoming 256 KB
  // chunk, from the AWS Price List API for AmazonSES us-east-1 of 2026-07-22 (as transcribed by
  // api-evangelist/amazon-ses, plans/amazon-ses-plans-pricing.yml).
  ses: { perThousandSent: 0.1, perThousandReceived: 0.1, perThousandReceivedChunks: 0.09 },
  // Arm (Graviton2), which every Tandem function runs on, first tier (7.5 billion GB-s a month); requests
  // are the same on both architectures (wring.co's Lambda pricing guide, March 2026, us-east-1).
  lambda: { perMillionRequests: 0.2, perGbSecond: 0.0000133334 },
  // Standard queue, first 100 billion requests a month (cloudburn.io's SQS guide, March 2026, us-east-1).
  sqs: { perMillionRequests: 0.4 },
  // Custom events put on a bus; AWS service events and scheduled rules are free (cloudburn.io's
  // EventBridge guide, March 2026, us-east-1).
  eventBridge: { perMillionEvents: 1 },
  // S3 Standard: PUT/COPY/POST/LIST and GET/SELECT requests (c3x.dev's S3 request fees, 2026, us-east-1).
  s3: { perThousandPuts: 0.005, perThousandGets: 0.0004 },
  // Standard log class; Lambda's logs are tiered since May 2025, and this is the first tier (c3x.dev's
  // CloudWatch Logs guide, June 2026, and duckbillgroup.com on the Lambda tiers, us-east-1).
  logs: { perGbIngested: 0.5 },
};
