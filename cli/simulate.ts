import { describeCost } from '#local/cost';
import { simulate } from '#local/simulate';
import { progress } from './output.ts';

interface SimulateOptions {
  participants: number;
  weeks: number;
  seed: number;
  behaviours: boolean;
  json?: boolean;
}

export const simulateCommand = async (options: SimulateOptions) => {
  const summary = await simulate({
    participants: options.participants,
    weeks: options.weeks,
    seed: options.seed,
    behaviours: options.behaviours,
    onProgress: options.json ? undefined : progress,
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  console.log(`Simulated round ${summary.roundId}: ${summary.participants} participants, ${summary.partnerships} partnerships
  mails sent:        ${Object.entries(summary.mails)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ')} (${summary.delivered} reached SES)
  SES calls:         ${summary.sesCalls}
  lifecycle:         ${summary.lifecycle.nudges} nudges, ${summary.lifecycle.escalations} escalations, ${summary.lifecycle.repairings} re-pairings (+${summary.lifecycle.joins} joined as third), ${summary.lifecycle.unsubscribes} unsubscribes, ${summary.lifecycle.suppressions} suppressions, ${summary.lifecycle.checkinAnswers} check-in answers, ${summary.lifecycle.digests} digests${summary.lifecycle.closed ? ', round closed' : ''}
  after leaving:     ${summary.lifecycle.mailsAfterLeaving} mails to unsubscribed or suppressed participants
  participants:      ${summary.behaviours.replies} replies sent, ${summary.behaviours.unsubscribeClicks} one-click unsubscribes
  DynamoDB requests: ${summary.dynamoRequests} (${summary.dynamoWrites} writes, ${summary.dynamoWritesPerMail} per mail)
  dead letters:      ${summary.deadLetters}, failed invocations: ${summary.failedInvocations}
  cost on AWS:       ${describeCost(summary.cost)}
  took:              ${summary.durationMs} ms`);
};
