import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '#local/dynamodb';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the contract run's one DynamoDB Local answers; each suite makes its own tables there. */
    dynamoDbEndpoint: string;
  }
}

/** Starts one DynamoDB Local (in memory, on a free port) for the whole contract run. */
export default async function setup(project: TestProject) {
  const dynamoDb = await startDynamoDbLocal();
  project.provide('dynamoDbEndpoint', dynamoDb.endpoint);
  return () => dynamoDb.stop();
}
