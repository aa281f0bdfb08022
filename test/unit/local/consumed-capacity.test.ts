import { describe, expect, it } from 'vitest';
import { unitsAnswered, unitsRefused } from '#local/consumed-capacity';

const named = (name: string) => Object.assign(new Error(name), { name });
const items = (n: number) => Array.from({ length: n }, () => ({}));

describe('unitsAnswered', () => {
  it('adds up what the response reports, for one table or for each table of a batch', () => {
    expect(unitsAnswered('PutItemCommand', {}, { TableName: 't', CapacityUnits: 3 })).toBe(3);
    expect(
      unitsAnswered('BatchGetItemCommand', {}, [
        { TableName: 't', CapacityUnits: 1.5 },
        { TableName: 'u', CapacityUnits: 2 },
      ]),
    ).toBe(3.5);
    expect(unitsAnswered('GetItemCommand', {}, undefined)).toBe(0);
  });

  it('counts a transaction of several items at two write units an item when DynamoDB Local reports less', () => {
    // DynamoDB Local answers 2 for three 1 KB items, where AWS bills 6.
    expect(
      unitsAnswered('TransactWriteItemsCommand', { TransactItems: items(3) }, [
        { TableName: 't', CapacityUnits: 2 },
      ]),
    ).toBe(6);
    // A single 3 KB item it reports right: 6.
    expect(
      unitsAnswered('TransactWriteItemsCommand', { TransactItems: items(1) }, [
        { TableName: 't', CapacityUnits: 6 },
      ]),
    ).toBe(6);
  });
});

describe('unitsRefused', () => {
  it('charges a failed condition one write unit', () => {
    expect(unitsRefused('UpdateItemCommand', {}, named('ConditionalCheckFailedException'))).toBe(1);
  });

  it('charges a cancelled transaction two write units an item', () => {
    expect(
      unitsRefused(
        'TransactWriteItemsCommand',
        { TransactItems: items(2) },
        named('TransactionCanceledException'),
      ),
    ).toBe(4);
  });

  it('charges nothing for any other failure', () => {
    expect(unitsRefused('PutItemCommand', {}, named('ProvisionedThroughputExceededException'))).toBe(0);
    expect(unitsRefused('PutItemCommand', {}, 'not an error')).toBe(0);
  });
});
