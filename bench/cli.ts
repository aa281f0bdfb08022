// How long a coordinator waits for `tandem`: the built CLI (bin/tandem.js running dist/cli) against the
// sources run through tsx, as bin/tandem.js started the CLI before it was built. Two commands: `--help`
// (start-up alone) and `round status <id> --json` against a local stack (start-up, the AWS SDK, two
// DynamoDB queries). The runs alternate, so that other work on the machine slows both alike.
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { ensureBuiltCli } from '#cli/bundle';
import { VirtualClock } from '#local/clock';
import { syntheticCohort } from '#local/cohort';
import { freePorts } from '#local/free-port';
import { launchSeededRound, seedMatchedRound } from '#local/seed';
import { startLocalStack } from '#local/stack';

const RUNS = 15;
const GOAL_HELP_MS = 300;
const GOAL_STATUS_MS = 700;
const ROUND = 'bench-cli';
const COHORT = 60;

console.log(`CLI build: ${await ensureBuiltCli()}`);
const stack = await startLocalStack({
  ports: await freePorts(),
  clock: new VirtualClock(new Date('2027-03-01T00:00:00Z')),
  // The stack's functions log every mail sent; the bench prints its figures alone.
  logLevel: 'SILENT',
});

const run = promisify(execFile);
// The CLI finds the stack by its ports.
const env = {
  ...process.env,
  TANDEM_STAGE: '',
  TANDEM_DYNAMODB_PORT: String(stack.ports.dynamodb),
  TANDEM_GATEWAY_PORT: String(stack.ports.gateway),
};
const starts = {
  built: ['bin/tandem.js'],
  tsx: ['--import', 'tsx', 'cli/main.ts'],
} as const;
type Start = keyof typeof starts;

let rebuilds = 0;

/** One run's wall time, from spawning node to its exit; a failed run stops the bench. */
const timed = async (start: Start, args: readonly string[]) => {
  // A source edited meanwhile (this is a shared working tree) would send bin/tandem.js to tsx: rebuild first.
  if (start === 'built' && (await ensureBuiltCli()) === 'built') rebuilds++;
  const began = performance.now();
  const { stdout, stderr } = await run('node', [...starts[start], ...args], { env });
  return { ms: performance.now() - began, stdout, stderr };
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

try {
  // A launched round: its members, partnerships and the ledger rows of the introductions.
  await seedMatchedRound(stack.clients, {
    roundId: ROUND,
    name: 'CLI bench round',
    startDate: '2027-03-02',
    weeks: 16,
    cohort: syntheticCohort(COHORT, 1),
  });
  await launchSeededRound(stack.clients, ROUND);
  await stack.settle();

  const commands = {
    help: ['--help'],
    status: ['round', 'status', ROUND, '--json'],
  } as const;
  type Name = keyof typeof commands;
  const times: Record<`${Start} ${Name}`, number[]> = {
    'built help': [],
    'tsx help': [],
    'built status': [],
    'tsx status': [],
  };

  // Both starts must print the same, without a warning: what is timed is the command working.
  for (const name of Object.keys(commands) as Name[]) {
    const [built, tsx] = [await timed('built', commands[name]), await timed('tsx', commands[name])];
    if (built.stdout !== tsx.stdout) throw new Error(`tandem ${commands[name].join(' ')}: the starts differ`);
    if (built.stderr !== '')
      throw new Error(`tandem ${commands[name].join(' ')} wrote to stderr:\n${built.stderr}`);
  }
  const status = JSON.parse((await timed('built', commands.status)).stdout) as { members: { total: number } };
  if (status.members.total !== COHORT)
    throw new Error(`round status counted ${status.members.total} members`);

  for (let i = 0; i < RUNS; i++) {
    for (const name of Object.keys(commands) as Name[]) {
      for (const start of Object.keys(starts) as Start[]) {
        times[`${start} ${name}`].push((await timed(start, commands[name])).ms);
      }
    }
  }

  const ms = (key: keyof typeof times) => Math.round(median(times[key]));
  const ratio = (name: Name) => (ms(`tsx ${name}`) / ms(`built ${name}`)).toFixed(1);
  console.log(`${RUNS} runs of each, alternating; median wall time from spawning node to its exit`);
  console.log(
    `node ${process.version}, round ${ROUND}: ${COHORT} members, launched (introductions in the ledger); ` +
      `the build was made again ${rebuilds} times because sources changed during the runs`,
  );
  for (const name of Object.keys(commands) as Name[]) {
    console.log(
      `tandem ${commands[name].join(' ')}: built ${ms(`built ${name}`)} ms, ` +
        `tsx ${ms(`tsx ${name}`)} ms (${ratio(name)}x faster; ` +
        `built min ${Math.round(Math.min(...times[`built ${name}`]))} ms, max ${Math.round(Math.max(...times[`built ${name}`]))} ms)`,
    );
  }
  console.log(
    `CLI start: --help ${ms('built help')} ms, round status ${ms('built status')} ms ` +
      `(goal <= ${GOAL_HELP_MS} ms, <= ${GOAL_STATUS_MS} ms)`,
  );
} finally {
  await stack.stop();
}
