import type { Command } from 'commander';
import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { localControlUrl, localOnly, unreachable } from './target.ts';

/**
 * Runs the receive function again on a stored raw mail — for a mail whose processing ended in the
 * dead-letter queue. Safe to repeat: a message already handled is reported as a duplicate.
 */
export const replayCommand = async (mailId: string, options: { json?: boolean }) => {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(mailId)) {
    throw new CliError(`mailId "${mailId}": letters, digits, ".", "_" and "-" only`, ExitCode.usage);
  }
  const response = await fetch(`${localControlUrl()}/inbound/replay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mailId }),
  }).catch(unreachable);
  const body = (await response.json()) as {
    result?: { outcome?: string; reason?: string };
    message?: string;
  };
  if (!response.ok)
    throw new CliError(body.message ?? `local stack answered ${response.status}`, ExitCode.unavailable);
  const result = body.result ?? {};
  if (result.outcome === 'unknown-mail')
    throw new CliError(result.reason ?? `no inbound mail ${mailId}`, ExitCode.refused);
  print(
    options,
    { mailId, ...result },
    () => `Replayed ${mailId}: ${result.outcome}${result.reason ? ` (${result.reason})` : ''}`,
  );
};

export const registerInboundCommands = (program: Command) => {
  const inbound = program.command('inbound').description('Inbound mail (replies to relay addresses)');
  const replay = inbound
    .command('replay')
    .description(
      'Process a stored inbound mail again on the local stack, e.g. one whose processing ended in the dead-letter queue',
    )
    .argument(
      '<mailId>',
      'the id SES (or the local SMTP server) gave the mail; the raw mail is stored under it',
    )
    .option('--json', 'print the result as JSON')
    .action(replayCommand);
  localOnly(replay);
};
