import { describe, expect, it } from 'vitest';
import { describeCost, type RoundUsage, roundCost } from '#local/cost';
import { US_EAST_1 } from '#local/prices';

const nothing: RoundUsage = {
  dynamodb: { readUnits: 0, writeUnits: 0 },
  ses: { sent: 0, received: 0, receivedChunks: 0 },
  lambda: {},
  sqs: { requests: 0 },
  eventBridge: { events: 0 },
  s3: { puts: 0, gets: 0 },
  logs: { bytes: 0 },
};

describe('roundCost', () => {
  it('prices each service by its own units at the us-east-1 list prices', () => {
    // Prepare
    const usage: RoundUsage = {
      dynamodb: { readUnits: 2_000_000, writeUnits: 1_000_000 },
      ses: { sent: 10_000, received: 2_000, receivedChunks: 2_000 },
      lambda: {
        sendMail: { invocations: 1_000_000, billedMs: 1_000_000, memoryMb: 512 },
        lifecycle: { invocations: 500_000, billedMs: 3_000_000, memoryMb: 1024 },
      },
      sqs: { requests: 2_500_000 },
      eventBridge: { events: 3_000_000 },
      s3: { puts: 2_000, gets: 10_000 },
      logs: { bytes: 2 * 2 ** 30 },
    };

    // Act
    const cost = roundCost(usage, US_EAST_1);

    // Assess
    expect(cost.byService).toEqual({
      // 2 M read units at $0.125/M, 1 M write units at $0.625/M
      dynamodb: 0.875,
      // 10,000 sent at $0.10/1,000, 2,000 received at $0.10/1,000, 2,000 chunks at $0.09/1,000
      ses: 1.38,
      // 1.5 M requests at $0.20/M; 1,000 s at 0.5 GB and 3,000 s at 1 GB: 3,500 GB-s at $0.0000133334
      lambda: 0.346667,
      sqs: 1,
      eventBridge: 3,
      // 2,000 PUTs at $0.005/1,000, 10,000 GETs at $0.0004/1,000
      s3: 0.014,
      // 2 GB at $0.50
      logs: 1,
    });
    expect(cost.usd).toBe(7.615667);
    expect(cost.prices).toBe('list prices as published, December 2026, us-east-1');
    expect(cost.usage).toBe(usage);
  });

  it('costs nothing for a round that used nothing', () => {
    const cost = roundCost(nothing, US_EAST_1);

    expect(cost.usd).toBe(0);
    expect(Object.values(cost.byService).every((usd) => usd === 0)).toBe(true);
  });

  it('keeps fractions of a cent, to the micro-dollar', () => {
    const cost = roundCost(
      { ...nothing, sqs: { requests: 3 }, dynamodb: { readUnits: 3, writeUnits: 0 } },
      US_EAST_1,
    );

    // 3 SQS requests are $0.0000012; 3 read units $0.000000375, which rounds to nothing.
    expect(cost.byService.sqs).toBe(0.000001);
    expect(cost.byService.dynamodb).toBe(0);
  });
});

describe('describeCost', () => {
  it('gives the total, then each service from the dearest, then the price table', () => {
    const cost = roundCost(
      { ...nothing, ses: { sent: 1_000, received: 0, receivedChunks: 0 }, sqs: { requests: 250_000 } },
      US_EAST_1,
    );

    expect(describeCost(cost)).toBe(
      '$0.2000 (SES $0.1000, SQS $0.1000, DynamoDB $0.0000, Lambda $0.0000, EventBridge $0.0000, S3 $0.0000, ' +
        'CloudWatch Logs $0.0000; list prices as published, December 2026, us-east-1)',
    );
  });
});
