import { Hono } from 'hono';
import { roundNotFoundPage } from '#core/console/sign-in-pages';
import { type StatusNotice, statusPage } from '#core/console/status-pages';
import type { LedgerReader } from '#ports/ledger-reader';
import type { SendingGate } from '#ports/sending-gate';
import type { LifecycleStore } from '#ports/store';
import { RoundNotFound } from '../../use-cases/coordinator/errors.ts';
import { exportRound } from '../../use-cases/coordinator/export-round.ts';
import { reportRound } from '../../use-cases/coordinator/report-round.ts';
import { roundStatusView } from '../../use-cases/coordinator/round-status-view.ts';
import type { ConsoleDeps, RoundEnvironment } from './context.ts';
import { roundOfPath, signedInOf } from './session.ts';

/**
 * The console's status page of a round (docs/console.md#status), mounted at `/console/rounds` behind the
 * session middleware: the figures of `tandem round status`, the partnerships at risk, the alerts, the
 * mails by state and the charts of `tandem round report`; and the files of `round export` and `round
 * report` to download, made by the same use cases. Reading only: nothing here changes anything.
 */

/** What the status routes read: the round's state, its ledger, the sending state and its sign-ups. */
export type StatusRouteDeps = Pick<ConsoleDeps, 'rounds' | 'signUps' | 'clock'> & {
  lifecycle: Pick<LifecycleStore, 'loadRoundState'>;
  ledger: Pick<LedgerReader, 'ledger'>;
  sendingGate: Pick<SendingGate, 'current'>;
};

/** A file to save, never to show in the console's origin: an attachment, never sniffed, never cached. */
const download = (type: string, filename: string): Record<string, string> => ({
  'Content-Type': type,
  'Content-Disposition': `attachment; filename="${filename}"`,
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // Should a browser show it all the same, it runs nothing and loads nothing.
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox",
});

/** `/console/rounds/<roundId>/status` and its downloads. */
export const statusRoutes = (deps: StatusRouteDeps) => {
  const app = new Hono<RoundEnvironment>();
  app.use('/:roundId/status/*', roundOfPath(deps));
  // The stack's time, as the CLI's `now()`: the local stack's clock may be virtual.
  const viewDeps = { ...deps, now: async () => deps.clock.now() };

  app.get('/:roundId/status', async (c) => {
    const { round } = c.var;
    const notice: StatusNotice | undefined =
      c.req.query('notice') === 'launch-requested' ? { kind: 'launch-requested' } : undefined;
    try {
      const view = await roundStatusView(viewDeps, round.id);
      return c.html(
        statusPage({
          viewer: signedInOf(c),
          round: view.round,
          report: view.report,
          charts: view.charts,
          atRisk: view.atRisk,
          alerts: view.alerts,
          people: view.people,
          ...(notice ? { notice } : {}),
        }),
      );
    } catch (error) {
      // Deleted since it was read.
      if (error instanceof RoundNotFound) return c.html(roundNotFoundPage(signedInOf(c)), 404);
      throw error;
    }
  });

  app.get('/:roundId/status/export.csv', async (c) => {
    const { round } = c.var;
    try {
      const { csv } = await exportRound(deps, round.id);
      return c.body(csv, 200, download('text/csv; charset=utf-8', `${round.id}-partnerships.csv`));
    } catch (error) {
      if (error instanceof RoundNotFound) return c.html(roundNotFoundPage(signedInOf(c)), 404);
      throw error;
    }
  });

  app.get('/:roundId/status/report.html', async (c) => {
    const { round } = c.var;
    try {
      const { html } = await reportRound(viewDeps, round.id);
      return c.body(html, 200, download('text/html; charset=utf-8', `${round.id}-report.html`));
    } catch (error) {
      if (error instanceof RoundNotFound) return c.html(roundNotFoundPage(signedInOf(c)), 404);
      throw error;
    }
  });

  return app;
};
