import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { localControlUrl, unreachable } from './target.ts';

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
