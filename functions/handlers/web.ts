import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { dynamoDbClients } from '#adapters/clients/dynamodb';
import { secretsClients } from '#adapters/clients/secrets-manager';
import { sqsClients } from '#adapters/clients/sqs';
import { DynamoRateLimits } from '#adapters/dynamo-rate-limits';
import { DynamoSignUps } from '#adapters/dynamo-sign-ups';
import { DynamoStore } from '#adapters/dynamo-store';
import { correlated } from '#adapters/logger';
import { metricsFromEnvironment } from '#adapters/metrics';
import { loadOriginSecret, loadSigningKeys } from '#adapters/signing-keys';
import { SqsJobQueue } from '#adapters/sqs-job-queue';
import { type Translator, translatorFor } from '#core/i18n';
import { newId } from '#core/ids';
import { DEFAULT_MAIL_LANGUAGE, type MailLanguage, mailLanguageOf } from '#core/languages';
import { acceptedMailLanguage } from '#core/link-pages';
import { verifyReEnrolToken, verifySignUpToken } from '#core/link-token';
import { type Round, RoundId } from '#core/model';
import type { SigningKeys } from '#core/relay-address';
import { assetAt } from '#core/sign-up/assets';
import {
  type FieldErrors,
  FORM_TOKEN_FIELD,
  formValuesOf,
  readSignUpForm,
  type SignUpField,
} from '#core/sign-up/form';
import { checkFormToken, formCookie, formToken, newNonce, nonceFromCookies } from '#core/sign-up/form-token';
import { PAGE_HEADERS } from '#core/sign-up/layout';
import {
  checkInboxPage,
  confirmSignUpPage,
  INTENT_FIELD,
  LINK_TOKEN_FIELD,
  notFoundPage,
  onWaitingListPage,
  type PageProblem,
  ROUND_FIELD,
  reEnrolFormPage,
  registrationClosedPage,
  signedUpPage,
  signUpFormPage,
  tooManySignUpsPage,
  unusableLinkPage,
  waitingListOfferPage,
} from '#core/sign-up/pages';
import { AGAIN_PATH, ASSETS_PREFIX, CONFIRM_PATH, JOIN_PREFIX } from '#core/sign-up/paths';
import type { Clock } from '#ports/clock';
import { METRIC, type Metrics } from '#ports/metrics';
import type { SignUpStore } from '#ports/sign-ups';
import type { ParticipantStore, RoundStore } from '#ports/store';
import { type ConfirmSignUpDeps, confirmSignUp, reviewSignUp } from '../use-cases/sign-up/confirm-sign-up.ts';
import {
  type JoinWaitingListDeps,
  joinWaitingList,
  type ReEnrolDeps,
  type RoundOpen,
  reEnrol,
  reviewReEnrolment,
} from '../use-cases/sign-up/re-enrol.ts';
import { roundForSignUp } from '../use-cases/sign-up/round-for-sign-up.ts';
import { type SubmitSignUpDeps, submitSignUp } from '../use-cases/sign-up/submit-sign-up.ts';
import { parseEnv, WebEnv } from './env.ts';
import { type HttpRequest, readRequest } from './http-request.ts';
import { type DepsContext, lazyHandler, withMetrics } from './runtime.ts';

export interface WebDeps
  extends Omit<SubmitSignUpDeps, 'signUps' | 'rounds'>,
    Omit<ConfirmSignUpDeps, 'signUps' | 'rounds' | 'participants'>,
    Omit<ReEnrolDeps, 'signUps' | 'rounds' | 'participants'>,
    Omit<JoinWaitingListDeps, 'signUps' | 'rounds' | 'participants'> {
  rounds: Pick<RoundStore, 'getRound' | 'listRoundsTakingSignUps'>;
  participants: Pick<ParticipantStore, 'upsertParticipant' | 'addMember' | 'getMember' | 'getParticipant'>;
  signUps: Pick<
    SignUpStore,
    | 'savePending'
    | 'getPending'
    | 'consumePending'
    | 'addToWaitingList'
    | 'isWaiting'
    | 'removeFromWaitingList'
  >;
  keys: SigningKeys;
  /** What CloudFront sends in its origin header, so that its viewer address is believed; none locally. */
  originSecret?: string | undefined;
  clock: Clock;
  metrics: Metrics;
  /** Where the privacy notice sends people about their data. */
  coordinatorEmail: string;
  /** Random bytes for the form cookie's nonce. */
  randomBytes: (size: number) => Uint8Array;
}

export const createDeps = async ({
  env: raw,
  clients,
  clock,
}: DepsContext<'document' | 'sqs' | 'secrets'>): Promise<WebDeps> => {
  const env = parseEnv(WebEnv, raw);
  const store = new DynamoStore(env.TABLE_NAME, clients.document);
  // Both at cold start, at once: every page needs the keys, and the client limit the origin secret.
  const [keys, originSecret] = await Promise.all([
    loadSigningKeys(env, clients),
    loadOriginSecret(env, clients),
  ]);
  return {
    rounds: store,
    participants: store,
    signUps: new DynamoSignUps(env.TABLE_NAME, clients.document),
    limits: new DynamoRateLimits(env.TABLE_NAME, clients.document),
    queue: new SqsJobQueue(env.SEND_QUEUE_URL, clients.sqs),
    keys,
    originSecret,
    clock,
    metrics: metricsFromEnvironment(raw),
    coordinatorEmail: env.COORDINATOR_EMAIL,
    randomBytes,
    newSignUpId: () => newId('s', randomBytes),
    newParticipantId: () => newId('p', randomBytes),
  };
};

type Response = APIGatewayProxyStructuredResultV2;

const html = (statusCode: number, body: string, headers: Record<string, string> = {}): Response => ({
  statusCode,
  headers: { ...PAGE_HEADERS, ...headers },
  body,
});

const text = (statusCode: number, body: string, headers: Record<string, string> = {}): Response => ({
  statusCode,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  body,
});

/** A request, and the language of the pages it gets unless they are for someone whose language we know. */
interface WebRequest extends HttpRequest {
  lang: MailLanguage;
}

/**
 * The language of a public page: the `lang` query parameter (`/join/<round>?lang=es`; the form posts
 * to its page with it), else the first of ours the browser's Accept-Language asks for, else English.
 */
const pageLanguage = (query: URLSearchParams, acceptLanguage: string | undefined): MailLanguage =>
  mailLanguageOf(query.get('lang') ?? '') ?? acceptedMailLanguage(acceptLanguage) ?? DEFAULT_MAIL_LANGUAGE;

/** The translator of a page for a round: in its language, with the round's own programme words. */
const roundTranslator = (lang: string | undefined, round: Pick<Round, 'programme'>): Translator =>
  translatorFor(lang, round.programme);

const notFound = (request: WebRequest) => html(404, notFoundPage(translatorFor(request.lang)));
const closed = (request: WebRequest, round: Round) =>
  html(410, registrationClosedPage({ t: roundTranslator(request.lang, round), round }));

/**
 * The form token of a page, for the nonce in the request's cookie; a request without one gets a new
 * nonce, and the cookie that carries it.
 */
const formSession = (deps: WebDeps, request: WebRequest) => {
  const known = nonceFromCookies(request.cookies, request.secure);
  const nonce = known ?? newNonce(deps.randomBytes);
  const headers: Record<string, string> = known ? {} : { 'Set-Cookie': formCookie(nonce, request.secure) };
  return { token: formToken(nonce, deps.keys, deps.clock.now()), headers };
};

/** Whether a POST carries a form token of ours, for the nonce of its own cookie. */
const formTokenHolds = (deps: WebDeps, request: WebRequest) =>
  checkFormToken(
    request.form.get(FORM_TOKEN_FIELD) ?? '',
    nonceFromCookies(request.cookies, request.secure),
    deps.keys,
    deps.clock.now(),
  );

const FORM_REFUSED: PageProblem = 'formRefused';

/** GET /join/<roundId>: the form, if the round takes sign-ups. */
const showForm = async (deps: WebDeps, request: WebRequest, roundId: string): Promise<Response> => {
  const found = await roundForSignUp(deps.rounds, roundId);
  if (found.state === 'unknown') return notFound(request);
  if (found.state === 'closed') return closed(request, found.round);
  const session = formSession(deps, request);
  return html(
    200,
    signUpFormPage({
      t: roundTranslator(request.lang, found.round),
      round: found.round,
      formToken: session.token,
      coordinatorEmail: deps.coordinatorEmail,
    }),
    session.headers,
  );
};

/** POST /join/<roundId>: a submission, checked, stored as pending and confirmed by mail. */
const submit = async (deps: WebDeps, request: WebRequest, roundId: string): Promise<Response> => {
  const form = readSignUpForm(request.form);
  const log = correlated({ roundId });
  const count = (outcome: string) => deps.metrics.count(METRIC.signUps, 1, { outcome });
  const again = (statusCode: number, round: Round, more: { errors?: FieldErrors; problem?: PageProblem }) => {
    const session = formSession(deps, request);
    return html(
      statusCode,
      signUpFormPage({
        t: roundTranslator(request.lang, round),
        round,
        formToken: session.token,
        coordinatorEmail: deps.coordinatorEmail,
        values: form.values,
        consent: form.consent,
        ...more,
      }),
      session.headers,
    );
  };

  const check = formTokenHolds(deps, request);
  if (check !== 'ok') {
    const found = await roundForSignUp(deps.rounds, roundId);
    if (found.state === 'unknown') return notFound(request);
    if (found.state === 'closed') return closed(request, found.round);
    log.warn('sign-up form token refused', { reason: check });
    count('refused-form');
    return again(403, found.round, { problem: FORM_REFUSED });
  }

  const outcome = await submitSignUp(deps, { roundId, form, client: request.client });
  switch (outcome.outcome) {
    case 'unknown-round':
      return notFound(request);
    case 'closed':
      return closed(request, outcome.round);
    case 'invalid':
      count('invalid');
      return again(400, outcome.round, { errors: outcome.errors });
    case 'too-many':
      log.warn('sign-ups from one client over the hourly limit');
      count('too-many');
      return html(429, tooManySignUpsPage(roundTranslator(request.lang, outcome.round)), {
        'Retry-After': '3600',
      });
    case 'accepted':
      log.with({ signUpId: outcome.signUpId }).info('sign-up accepted', { delivery: outcome.delivery });
      count(outcome.delivery);
      // The same page whatever became of it: the answer says nothing about the address.
      return html(
        200,
        checkInboxPage({
          t: roundTranslator(request.lang, outcome.round),
          round: outcome.round,
          email: form.values.email,
        }),
      );
  }
};

/** The sign-up a confirmation link (or the button's POST) names, if its token is ours and current. */
const linkClaims = (deps: WebDeps, token: string) => {
  const check = verifySignUpToken(token, deps.keys, deps.clock.now());
  if (!check.ok) correlated({}).warn('unusable sign-up link', { reason: check.reason });
  return check.ok ? check.claims : undefined;
};

/** The page of a link that does not work, in the visitor's language (no person is known). */
const unusableLink = (
  statusCode: number,
  request: WebRequest,
  link: 'confirmation' | 're-enrolment' = 'confirmation',
) => html(statusCode, unusableLinkPage(translatorFor(request.lang), link));

/**
 * GET /join/confirm?token=…: what would be registered, and one button, in the pending sign-up's
 * language. Changes nothing.
 */
const showConfirmation = async (
  deps: WebDeps,
  request: WebRequest,
  problem?: PageProblem,
): Promise<Response> => {
  const token = (request.method === 'GET' ? request.query : request.form).get('token') ?? '';
  const claims = linkClaims(deps, token);
  if (!claims) return unusableLink(400, request);
  const review = await reviewSignUp(deps, claims, deps.clock.now());
  if (review.outcome === 'unusable') return unusableLink(410, request);
  if (review.outcome === 'closed') return closed(request, review.round);
  const session = formSession(deps, request);
  return html(
    problem ? 403 : 200,
    confirmSignUpPage({
      t: roundTranslator(review.signUp.profile.mailLanguage, review.round),
      round: review.round,
      profile: review.signUp.profile,
      token,
      formToken: session.token,
      ...(problem ? { problem } : {}),
    }),
    session.headers,
  );
};

/** POST /join/confirm: registers the person, once. */
const confirm = async (deps: WebDeps, request: WebRequest): Promise<Response> => {
  const claims = linkClaims(deps, request.form.get('token') ?? '');
  if (!claims) {
    deps.metrics.count(METRIC.signUps, 1, { outcome: 'unusable-link' });
    return unusableLink(400, request);
  }
  const log = correlated({ roundId: claims.roundId, signUpId: claims.signUpId });
  const check = formTokenHolds(deps, request);
  if (check !== 'ok') {
    log.warn('confirmation form token refused', { reason: check });
    deps.metrics.count(METRIC.signUps, 1, { outcome: 'refused-form' });
    return showConfirmation(deps, request, FORM_REFUSED);
  }
  const outcome = await confirmSignUp(deps, claims, deps.clock.now());
  if (outcome.outcome === 'unusable') {
    deps.metrics.count(METRIC.signUps, 1, { outcome: 'unusable-link' });
    return unusableLink(410, request);
  }
  if (outcome.outcome === 'closed') return closed(request, outcome.round);
  log.with({ participantId: outcome.participant.id }).info('sign-up confirmed');
  deps.metrics.count(METRIC.signUps, 1, { outcome: 'confirmed' });
  return html(
    200,
    signedUpPage({
      t: roundTranslator(outcome.participant.mailLanguage, outcome.round),
      round: outcome.round,
    }),
  );
};

// --- re-enrolling from a link (the closing mail's, the "next round open" mail's) -------------------

/**
 * The participant a re-enrolment link names, if its token is ours and current; otherwise the page that
 * says the link does not work: 400 for a forged or malformed token, 410 for an expired one.
 */
const reEnrolLinkOf = (
  deps: WebDeps,
  request: WebRequest,
): { participantId: string; token: string } | { refused: Response } => {
  const token = (request.method === 'GET' ? request.query : request.form).get(LINK_TOKEN_FIELD) ?? '';
  const check = verifyReEnrolToken(token, deps.keys, deps.clock.now());
  if (check.ok) return { participantId: check.claims.participantId, token };
  correlated({}).warn('unusable re-enrolment link', { reason: check.reason });
  deps.metrics.count(METRIC.signUps, 1, { outcome: 'unusable-link' });
  return { refused: unusableLink(check.reason === 'expired' ? 410 : 400, request, 're-enrolment') };
};

/** A link whose person can no longer use it (forgotten, suppressed): the same page as an expired one. */
const goneLink = (deps: WebDeps, request: WebRequest, participantId: string, reason: string): Response => {
  correlated({ participantId }).warn('re-enrolment link of someone it cannot serve', { reason });
  deps.metrics.count(METRIC.signUps, 1, { outcome: 'unusable-link' });
  return unusableLink(410, request, 're-enrolment');
};

/** What the re-enrolment form shows besides the profile: what was typed, what is wrong, why it is back. */
interface FormAgain {
  values?: Partial<Record<SignUpField, string>>;
  consent?: boolean;
  errors?: FieldErrors;
  problem?: PageProblem;
}

/**
 * The re-enrolment form of the open round, filled in from the profile unless values are given, in the
 * person's language.
 */
const reEnrolForm = (
  deps: WebDeps,
  request: WebRequest,
  statusCode: number,
  token: string,
  open: Omit<RoundOpen, 'outcome'>,
  again: FormAgain = {},
): Response => {
  const session = formSession(deps, request);
  return html(
    statusCode,
    reEnrolFormPage({
      t: roundTranslator(open.participant.mailLanguage, open.round),
      round: open.round,
      email: open.participant.email,
      coordinatorEmail: deps.coordinatorEmail,
      values: again.values ?? formValuesOf(open.participant),
      member: open.member,
      token,
      formToken: session.token,
      ...(again.consent ? { consent: true } : {}),
      ...(again.errors ? { errors: again.errors } : {}),
      ...(again.problem ? { problem: again.problem } : {}),
    }),
    session.headers,
  );
};

/**
 * GET /join/again?token=…: the form of the next open round filled in from the person's profile, or,
 * with no round open, the button that puts them on the waiting list. Changes nothing. A refused POST
 * shows the same again (403), with what was typed.
 */
const showReEnrolment = async (deps: WebDeps, request: WebRequest, again?: FormAgain): Promise<Response> => {
  const link = reEnrolLinkOf(deps, request);
  if ('refused' in link) return link.refused;
  const review = await reviewReEnrolment(deps, link.participantId, deps.clock.now());
  if (review.outcome === 'unusable') return goneLink(deps, request, link.participantId, review.reason);
  const statusCode = again ? 403 : 200;
  if (review.outcome === 'open') return reEnrolForm(deps, request, statusCode, link.token, review, again);
  const session = formSession(deps, request);
  return html(
    statusCode,
    waitingListOfferPage({
      t: translatorFor(review.participant.mailLanguage),
      email: review.participant.email,
      waiting: review.waiting,
      token: link.token,
      formToken: session.token,
      ...(again?.problem ? { problem: again.problem } : {}),
    }),
    session.headers,
  );
};

/**
 * POST /join/again: the form's button registers the person in the round it showed (no confirmation
 * mail: the signed link proves the address); the waiting list's button puts them on it, once.
 */
const postReEnrolment = async (deps: WebDeps, request: WebRequest): Promise<Response> => {
  const link = reEnrolLinkOf(deps, request);
  if ('refused' in link) return link.refused;
  const { participantId, token } = link;
  const log = correlated({ participantId });
  const count = (outcome: string) => deps.metrics.count(METRIC.signUps, 1, { outcome });
  const registering = request.form.get(INTENT_FIELD) === 'register';
  const form = readSignUpForm(request.form);

  const check = formTokenHolds(deps, request);
  if (check !== 'ok') {
    log.warn('re-enrolment form token refused', { reason: check });
    count('refused-form');
    return showReEnrolment(deps, request, {
      problem: FORM_REFUSED,
      ...(registering ? { values: form.values, consent: form.consent } : {}),
    });
  }

  const now = deps.clock.now();
  if (!registering) {
    const outcome = await joinWaitingList(deps, participantId, now);
    if (outcome.outcome === 'unusable') return goneLink(deps, request, participantId, outcome.reason);
    // A round opened since the page was shown: its form, rather than a place on the list.
    if (outcome.outcome === 'open') return reEnrolForm(deps, request, 200, token, outcome);
    log.info('on the waiting list for the next round', { added: outcome.added });
    count('wait-listed');
    return html(
      200,
      onWaitingListPage({
        t: translatorFor(outcome.participant.mailLanguage),
        email: outcome.participant.email,
      }),
    );
  }

  const roundId = RoundId.safeParse(request.form.get(ROUND_FIELD));
  if (!roundId.success) return notFound(request);
  const outcome = await reEnrol(deps, { participantId, roundId: roundId.data, form }, now);
  switch (outcome.outcome) {
    case 'unusable':
      return goneLink(deps, request, participantId, outcome.reason);
    case 'unknown-round':
      return notFound(request);
    case 'closed':
      return closed(request, outcome.round);
    case 'invalid':
      count('invalid');
      return reEnrolForm(deps, request, 400, token, outcome, {
        values: form.values,
        consent: form.consent,
        errors: outcome.errors,
      });
    case 'registered':
      log.with({ roundId: outcome.round.id }).info('re-enrolled');
      count('re-enrolled');
      return html(
        200,
        signedUpPage({
          t: roundTranslator(outcome.participant.mailLanguage, outcome.round),
          round: outcome.round,
        }),
      );
  }
};

const JOIN = new RegExp(`^${JOIN_PREFIX}([^/]+)$`);

const methodNotAllowed = (allow: string) => text(405, 'Method not allowed', { Allow: allow });

/**
 * A Lambda Function URL serving a round's sign-up pages (see docs/sign-up.md):
 * - `GET /join/<roundId>`: the form (404 for an unknown round, 410 for one that takes no sign-ups);
 * - `POST /join/<roundId>`: a submission — 400 with the form again and its errors, 200 with "check
 *   your inbox" (the same for any address), 403 without a valid form token, 429 over the client limit;
 * - `GET /join/confirm?token=…`: the details and one button (a GET changes nothing);
 * - `POST /join/confirm`: registers the person, once; a forged link gets 400, a used or expired one 410;
 * - `GET /join/again?token=…`: a re-enrolment link — the next open round's form filled in from the
 *   person's profile, or (no round open) the button for the waiting list; changes nothing;
 * - `POST /join/again`: registers the person in the round the form showed, or puts them on the waiting
 *   list; a forged link gets 400, an expired one (or one of someone forgotten or suppressed) 410;
 * - `GET /join/assets/<file>`: the pages' one script.
 * Every POST needs the signed form token of its page and that page's cookie (CSRF). These paths are why
 * the round ids in RESERVED_ROUND_IDS (core/reserved-round-ids.ts) cannot be created.
 * The pages behind a signed link speak the language of the person it is for; the others the `lang`
 * query parameter's, else the browser's Accept-Language's, else English (see pageLanguage).
 */
export const createHandler = (deps: WebDeps) =>
  withMetrics(deps.metrics, async (event: APIGatewayProxyEventV2): Promise<Response> => {
    const read = readRequest(event, { originSecret: deps.originSecret });
    const request: WebRequest = {
      ...read,
      lang: pageLanguage(
        read.query,
        event.headers?.['accept-language'] ?? event.headers?.['Accept-Language'],
      ),
    };
    if (request.path.startsWith(ASSETS_PREFIX)) {
      if (request.method !== 'GET') return methodNotAllowed('GET');
      const asset = assetAt(request.path);
      if (!asset) return text(404, 'Not found');
      return {
        statusCode: 200,
        headers: {
          'Content-Type': asset.contentType,
          // Its name changes with its content.
          'Cache-Control': 'public, max-age=31536000, immutable',
          'X-Content-Type-Options': 'nosniff',
        },
        body: asset.body,
      };
    }
    const isGet = request.method === 'GET';
    if (!isGet && request.method !== 'POST') return methodNotAllowed('GET, POST');
    if (request.path === CONFIRM_PATH)
      return isGet ? showConfirmation(deps, request) : confirm(deps, request);
    if (request.path === AGAIN_PATH)
      return isGet ? showReEnrolment(deps, request) : postReEnrolment(deps, request);
    const roundId = RoundId.safeParse(JOIN.exec(request.path)?.[1]);
    if (!roundId.success) return notFound(request);
    return isGet ? showForm(deps, request, roundId.data) : submit(deps, request, roundId.data);
  });

export const handler = lazyHandler(createDeps, createHandler, {
  ...dynamoDbClients,
  ...sqsClients,
  ...secretsClients,
});
