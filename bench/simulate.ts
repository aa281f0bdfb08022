/**
 * `npm run bench:simulate [-- --participants N]`: a whole 16-week round on the embedded local stack
 * (DynamoDB Local, local SES, the real handlers; virtual clock), counting DynamoDB writes and SES
 * calls per mail sent. Default cohort: 10,000. The participants do not write back (`behaviours: false`),
 * so the run is the sending path plus the lifecycle of a cohort that goes entirely quiet.
 */
import { parseArgs } from 'node:util';
import { simulate } from '#local/simulate';

const { values } = parseArgs({ options: { participants: { type: 'string', default: '10000' } } });
const participants = Number(values.participants);

const summary = await simulate({ participants, weeks: 16, seed: 1, behaviours: false });
const mails = Object.values(summary.mails).reduce((a, b) => a + b, 0);
const writesPerMail = summary.dynamoWrites / mails;

console.log(`cohort ${summary.participants}, ${summary.partnerships} partnerships, 16 weeks`);
console.log(`mails sent: ${JSON.stringify(summary.mails)} (${summary.delivered} reached SES)`);
console.log(`SES calls: ${summary.sesCalls} (${(summary.sesCalls / mails).toFixed(3)} per mail)`);
console.log(
  `DynamoDB requests: ${summary.dynamoRequests} (${(summary.dynamoRequests / mails).toFixed(3)} per mail), ` +
    `writes: ${summary.dynamoWrites}: ${2 * mails} for the send ledger (2 per mail), ` +
    `${summary.dynamoWrites - 2 * mails} for the round's lifecycle (launch, nudges, escalations, alerts, close)`,
);
console.log(
  `lifecycle: ${summary.lifecycle.nudges} nudges, ${summary.lifecycle.escalations} escalations ` +
    '(nobody in this cohort writes back, so everyone is nudged and every partnership goes quiet)',
);
console.log(`wall time: ${(summary.durationMs / 1000).toFixed(1)} s`);
console.log(`DynamoDB writes per mail sent: ${writesPerMail.toFixed(4)} (goal <= 2)`);
