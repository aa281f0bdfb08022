/**
 * `npm run bench:simulate [-- --participants N]`: a whole 16-week round on the embedded local stack
 * (DynamoDB Local, local SES, the real handlers; virtual clock), counting DynamoDB writes and SES
 * calls per mail sent, and what the round would cost on AWS (docs/cost.md). Default cohort: 10,000. The
 * participants do not write back (`behaviours: false`), so the run is the sending path plus the lifecycle
 * of a cohort that goes entirely quiet.
 */
import { parseArgs } from 'node:util';
import { describeCost } from '#local/cost';
import { simulate } from '#local/simulate';

const { values } = parseArgs({ options: { participants: { type: 'string', default: '10000' } } });
const participants = Number(values.participants);

const summary = await simulate({ participants, weeks: 16, seed: 1, behaviours: false });
const mails = Object.values(summary.mails).reduce((a, b) => a + b, 0);
const writesPerMail = summary.dynamoWrites / mails;

console.log(`cohort ${summary.participants}, ${summary.partnerships} partnerships, 16 weeks`);
console.log(`mails sent: ${JSON.stringify(summary.mails)} (${summary.delivered} reached SES)`);
console.log(`SES calls: ${summary.sesCalls} (${(summary.sesCalls / mails).toFixed(3)} per mail)`);
const { PutItem: claims = 0, BatchWriteItem: records = 0 } = summary.dynamoWritesByRequest;
console.log(
  `DynamoDB requests: ${summary.dynamoRequests} (${(summary.dynamoRequests / mails).toFixed(3)} per mail), ` +
    `writes: ${summary.dynamoWrites}: ${claims} PutItems (the ledger's claims, one per mail, and a few of the ` +
    `lifecycle's), ${records} BatchWriteItems (the send batches' records of sent mails, up to 25 each), ` +
    `${summary.dynamoWrites - claims - records} other writes (launch, nudges, escalations, alerts, close)`,
);
console.log(
  `lifecycle: ${summary.lifecycle.nudges} nudges, ${summary.lifecycle.escalations} escalations ` +
    '(nobody in this cohort writes back, so everyone is nudged and every partnership goes quiet)',
);
console.log(
  `cost on AWS: ${describeCost(summary.cost)}, ` +
    `$${((summary.cost.usd / summary.participants) * 1000).toFixed(4)} per 1,000 participants`,
);
console.log(`usage: ${JSON.stringify(summary.cost.usage)}`);
console.log(`wall time: ${(summary.durationMs / 60_000).toFixed(1)} min (goal <= 20 min)`);
console.log(`DynamoDB writes per mail sent: ${writesPerMail.toFixed(4)} (goal <= 2)`);
