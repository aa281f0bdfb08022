import { REPORT_CHARTS, renderRoundReport, roundReport } from '#core/coordinator/round-report';
import { writeOutputFile } from './files.ts';
import { print } from './output.ts';
import { loadRoundData } from './round-data.ts';

/** Writes the round's report, one self-contained HTML page with its charts, to `--out`. */
export const reportCommand = async (roundIdArg: string, options: { out: string; json?: boolean }) => {
  const { input, stack } = await loadRoundData(roundIdArg);
  const html = renderRoundReport(roundReport(input, await stack.now()));
  await writeOutputFile('--out', options.out, html);
  const bytes = Buffer.byteLength(html);
  print(
    options,
    { roundId: input.round.id, out: options.out, bytes, charts: [...REPORT_CHARTS] },
    () =>
      `Wrote the report of round ${input.round.id} to ${options.out} (${Math.max(1, Math.round(bytes / 1024))} KB)`,
  );
};
