import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dynamoDbClients } from '#adapters/clients/dynamodb';
import { eventBridgeClients } from '#adapters/clients/eventbridge';
import { secretsClients } from '#adapters/clients/secrets-manager';
import { DynamoLifecycle } from '#adapters/dynamo-lifecycle';
import { DynamoMembership } from '#adapters/dynamo-membership';
import { DynamoStore } from '#adapters/dynamo-store';
import { EventBridgeBus } from '#adapters/eventbridge-bus';
import { correlated } from '#adapters/logger';
import { metricsFromEnvironment } from '#adapters/metrics';
import { loadSigningKeys } from '#adapters/signing-keys';
import { translatorFor } from '#core/i18n';
import {
  acceptedMailLanguage,
  checkinOf,
  confirmationPage,
  donePage,
  invalidLinkPage,
  LINK_PAGE_HEADERS,
} from '#core/link-pages';
import { type LinkAction, verifyLinkToken } from '#core/link-token';
import type { Member } from '#core/model';
import type { ProgrammeSettings } from '#core/programme';
import type { SigningKeys } from '#core/relay-address';
import type { Clock } from '#ports/clock';
import { METRIC, type Metrics } from '#ports/metrics';
import type { ParticipantStore } from '#ports/store';
import { applyLinkAction, type LinkActionDeps } from '../use-cases/link-actions.ts';
import { LinksEnv, parseEnv } from './env.ts';
import { type DepsContext, lazyHandler, withMetrics } from './runtime.ts';

export interface LinksDeps extends LinkActionDeps {
  /** With getMember: the member's language, for the pages. */
  participants: Pick<ParticipantStore, 'getSendContext' | 'recordActivity' | 'getMember'>;
  keys: SigningKeys;
  clock: Clock;
  metrics: Metrics;
}

export const createDeps = async ({
  env: raw,
  clients,
  clock,
}: DepsContext<'document' | 'eventBridge' | 'secrets'>): Promise<LinksDeps> => {
  const env = parseEnv(LinksEnv, raw);
  return {
    membership: new DynamoMembership(env.TABLE_NAME, clients.document),
    lifecycle: new DynamoLifecycle(env.TABLE_NAME, clients.document),
    participants: new DynamoStore(env.TABLE_NAME, clients.document),
    bus: new EventBridgeBus(env.EVENT_BUS_NAME, clients.eventBridge),
    keys: await loadSigningKeys(env, clients),
    clock,
    metrics: metricsFromEnvironment(raw),
  };
};

const html = (statusCode: number, body: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { ...LINK_PAGE_HEADERS },
  body,
});

const text = (statusCode: number, body: string, headers: Record<string, string> = {}) => ({
  statusCode,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  body,
});

const LINK_PATH = /^\/l\/([^/]*)$/;
const MAX_FORM_BODY = 2048;

const formBody = (event: APIGatewayProxyEventV2): string => {
  const raw = event.body ?? '';
  if (raw.length > MAX_FORM_BODY * 2) return '';
  return event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
};

/** RFC 8058: the mail client's unsubscribe button POSTs `List-Unsubscribe=One-Click`, url- or multipart-encoded. */
const isOneClick = (body: string): boolean =>
  new URLSearchParams(body).get('List-Unsubscribe') === 'One-Click' ||
  /name="?List-Unsubscribe"?[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click(?:\r?\n|$)/i.test(body);

/** The language a browser asks for (its Accept-Language), for pages of links no member is known for. */
const requestedTranslator = (event: APIGatewayProxyEventV2) =>
  translatorFor(acceptedMailLanguage(event.headers?.['accept-language']));

/**
 * The member's language if they are a member of the round, else the one the browser asks for; with the
 * round's programme settings when the round was read.
 */
const translatorOf = (
  member: Member | undefined,
  event: APIGatewayProxyEventV2,
  programme?: ProgrammeSettings,
) =>
  translatorFor(
    member ? member.mailLanguage : acceptedMailLanguage(event.headers?.['accept-language']),
    programme,
  );

/** Actions whose use case reads the round, the member and their partners (see applyLinkAction). */
const readsContext = (action: LinkAction): boolean => action === 'quiet' || checkinOf(action) !== undefined;

/**
 * A Lambda Function URL: `GET /l/<token>` shows what the link would do and asks for a click (a GET
 * never acts — mail scanners fetch every link); `POST /l/<token>` acts (unsubscribe, pause, resume,
 * flag a quiet partner, answer a check-in — see applyLinkAction), including RFC 8058 one-click
 * unsubscribes, and answers 200 without a redirect or cookie. A token that is malformed, forged,
 * signed with a retired key or expired gets the same page and a 400, whatever the reason.
 *
 * The pages speak the member's mail language (a GET reads their item for it); the page of a link that
 * does not work, where no member is known, the first of our languages the browser asks for.
 */
export const createHandler = (deps: LinksDeps) =>
  withMetrics(
    deps.metrics,
    async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
      const path = LINK_PATH.exec(event.rawPath ?? '');
      if (!path) return text(404, 'Not found');
      const method = event.requestContext?.http?.method?.toUpperCase();
      if (method !== 'GET' && method !== 'POST')
        return text(405, 'Method not allowed', { Allow: 'GET, POST' });

      const check = verifyLinkToken(path[1] ?? '', deps.keys, deps.clock.now());
      if (!check.ok) {
        correlated({}).warn('unusable link', { reason: check.reason, method });
        return html(400, invalidLinkPage(requestedTranslator(event)));
      }
      const { claims } = check;
      const log = correlated({ roundId: claims.roundId, participantId: claims.participantId });
      const context = { action: claims.action, method };

      if (method === 'GET') {
        const member = await deps.participants.getMember(claims.roundId, claims.participantId);
        return html(
          200,
          confirmationPage({
            action: claims.action,
            round: claims.roundId,
            t: translatorOf(member, event),
            formAction: event.rawPath,
          }),
        );
      }

      const oneClick = isOneClick(formBody(event));
      if (oneClick && claims.action !== 'unsubscribe') {
        // Only List-Unsubscribe headers carry one-click links, and they only ever hold unsubscribe tokens.
        log.warn('one-click POST on a link that is not an unsubscribe', context);
        return html(400, invalidLinkPage(requestedTranslator(event)));
      }
      // Flagging a quiet partner and answering a check-in read the round, the member and their partners:
      // read here and handed on, they give the member's language and the round's name at no extra cost.
      // The other actions write the member's status without a read: one GetItem gives their language.
      const read = readsContext(claims.action)
        ? await deps.participants.getSendContext(claims.roundId, claims.participantId)
        : undefined;
      const member = readsContext(claims.action)
        ? read?.member
        : await deps.participants.getMember(claims.roundId, claims.participantId);
      const outcome = await applyLinkAction(deps, claims, deps.clock.now(), read ? { context: read } : {});
      if (claims.action === 'quiet' && outcome === 'changed')
        deps.metrics.count(METRIC.escalations, 1, { reason: 'flagged' });
      log.info('link applied', { ...context, outcome, oneClick, keyVersion: claims.keyVersion });
      return html(
        200,
        donePage({
          action: claims.action,
          round: read?.round.name ?? claims.roundId,
          t: translatorOf(member, event, read?.round.programme),
          outcome,
        }),
      );
    },
  );

export const handler = lazyHandler(createDeps, createHandler, {
  ...dynamoDbClients,
  ...eventBridgeClients,
  ...secretsClients,
});
