import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger per process; handlers append correlation keys (round, message id). */
export const logger = new Logger({ serviceName: 'tandem' });
