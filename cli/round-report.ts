import { reportRound } from '../functions/use-cases/coordinator/report-round.ts';
import { roundIdArgument } from './arguments.ts';
import { writeOutputFile } from './files.ts';
import { print } from './output.ts';
import { roundRefusal } from './round-status.ts';
import { target } from './target.ts';

/** Writes the round's report, one self-contained HTML page with its charts, to `--out`. */
export const reportCommand = async (roundIdArg: string, options: { out: string; json?: boolean }) => {
  const roundId = roundIdArgument(roundIdArg);
  const stack = await target();
  const { round, html, charts } = await reportRound(stack, roundId).catch(roundRefusal);
  await writeOutputFile('--out', options.out, html);
  const bytes = Buffer.byteLength(html);
  print(
    options,
    { roundId: round.id, out: options.out, bytes, charts },
    () =>
      `Wrote the report of round ${round.id} to ${options.out} (${Math.max(1, Math.round(bytes / 1024))} KB)`,
  );
};
