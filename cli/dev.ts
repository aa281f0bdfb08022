import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { LocalClock, parseClockSpeed } from '#local/clock';
import { demoCohort } from '#local/cohort';
import { localNames, localPorts } from '#local/config';
import type { Invocation } from '#local/lambda-runtime';
import {
  DEMO_NEXT_ROUND,
  DEMO_ROUND,
  launchSeededRound,
  seedDemoNextRound,
  seedDemoRound,
} from '#local/seed';
import { type LocalStack, startLocalStack } from '#local/stack';
import { CliError, ExitCode } from './errors.ts';

const WEEK = 7 * 86_400_000;

interface DevOptions {
  demo?: boolean;
  data?: string;
  clock: string;
}

/** One line per invocation, for people watching `tandem dev`. */
const describe = (invocation: Invocation): string | undefined => {
  const time = invocation.at.slice(11, 19);
  if (invocation.error) return `${time} ${invocation.name} failed: ${invocation.error}`;
  const result = invocation.result as Record<string, unknown> | unknown[] | undefined;
  if (invocation.name === 'dispatchTopics') {
    const rounds = result as { roundId: string; enqueued: number }[];
    return rounds.length
      ? `${time} dispatchTopics: ${rounds.map((r) => `${r.enqueued} topic mails for ${r.roundId}`).join(', ')}`
      : undefined;
  }
  if (invocation.name === 'sendMail') {
    const counts = new Map<string, number>();
    for (const { outcome } of (result as { outcomes?: { outcome: string }[] })?.outcomes ?? []) {
      counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
    }
    return `${time} sendMail: ${[...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ')}`;
  }
  // Every mail sent is followed by SES's delivery event, which changes nothing: not worth a line each.
  if (invocation.name === 'mailEvents' && (result as { outcome?: string })?.outcome === 'no-change') {
    return undefined;
  }
  if (invocation.name === 'links' || invocation.name === 'web' || invocation.name === 'console')
    return `${time} ${invocation.name}: HTTP ${(result as { statusCode?: number })?.statusCode}`;
  return `${time} ${invocation.name}: ${JSON.stringify(result)}`;
};

const seedDemo = async (stack: LocalStack) => {
  const seeded = await seedDemoRound(stack.clients, {
    startDate: stack.clock.now().toISOString().slice(0, 10),
    cohort: demoCohort(),
  });
  if (!seeded) {
    console.log(`Demo round "${DEMO_ROUND}" already exists in the data folder; not seeding it again.`);
    return;
  }
  console.log(
    `Demo round "${DEMO_ROUND}": ${seeded.participants} participants from 12 countries in ${seeded.partnerships.length} partnerships; launching it.`,
  );
  await launchSeededRound(stack.clients, DEMO_ROUND);
};

/** The demo's next round, open for sign-ups: it starts the week after the demo round ends. */
const seedDemoSignUps = async (stack: LocalStack) => {
  const startDate = new Date(stack.clock.now().getTime() + 17 * WEEK).toISOString().slice(0, 10);
  const open = await seedDemoNextRound(stack.clients, {
    startDate,
    now: stack.clock.now(),
    sendQueueUrl: stack.env.SEND_QUEUE_URL ?? '',
  });
  console.log(
    open
      ? `Next round "${DEMO_NEXT_ROUND}" takes sign-ups: ${stack.urls.links}/join/${DEMO_NEXT_ROUND}`
      : `Next round "${DEMO_NEXT_ROUND}" is in the data folder with registration closed.`,
  );
};

export const devCommand = async (options: DevOptions) => {
  let speed: number;
  try {
    speed = parseClockSpeed(options.clock);
  } catch (error) {
    throw new CliError(`--clock: ${(error as Error).message}`, ExitCode.usage);
  }
  const dataDir = options.data ? resolve(options.data) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });

  const stack = await startLocalStack({
    ports: localPorts(),
    clock: new LocalClock({ speed }),
    dataDir,
    // Fault plans (`POST <SES proxy>/_local/faults`) let a coordinator rehearse SES refusing or pausing.
    sesFaults: true,
    // The terminal shows one line per invocation (below); the functions' own lines only when they warn.
    logLevel: 'WARN',
    onAlert: (alert) =>
      console.log(`alert to the coordinators: ${alert.subject ?? alert.message.split('\n')[0]}`),
    onInvocation: (invocation) => {
      const line = describe(invocation);
      if (line) console.log(line);
    },
  }).catch((error: Error) => {
    throw new CliError(`could not start the local stack: ${error.message}`, ExitCode.unavailable, {
      cause: error,
    });
  });

  const { urls } = stack;
  console.log(`Tandem local stack is running (clock ${speed}x, data ${dataDir ?? 'in memory'}):
  Outbox viewer (sent mail)   ${urls.outbox}
  Sent mail as JSON           ${urls.sentMail}
  DynamoDB Local              ${urls.dynamodb}
  SES v2 API                  ${urls.ses}
  SES fault injection         ${urls.gateway}/_local/faults  (plans for the SES proxy the functions send through)
  Inbound mail (SMTP)         ${urls.smtp}  (reply to a relay address from a mail's Reply-To)
  Signed links (unsubscribe)  ${urls.links}/l/<token>
  Sign-up pages               ${urls.links}/join/<roundId>
  Coordinators' console       ${urls.links}/console  (sign in as ${localNames.coordinatorEmail}: the link is in the outbox)
  EventBridge + SQS APIs      ${urls.gateway}
  Coordinator alerts (SNS)    ${urls.gateway}/_local/alerts
  Local control API           ${urls.gateway}/_local/clock
Press Ctrl+C to stop.`);

  const timer = setInterval(() => {
    stack.settle().catch((error) => console.error(`local stack: ${error}`));
  }, 500);
  const shutdown = async () => {
    clearInterval(timer);
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  if (options.demo) {
    await seedDemo(stack);
    await seedDemoSignUps(stack);
  }
};
