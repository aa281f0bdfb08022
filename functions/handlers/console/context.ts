import type { Context } from 'hono';
import type { Round } from '#core/model';
import type { SigningKeys } from '#core/relay-address';
import type { AddressChangeStore } from '#ports/address-change';
import type { AuditTrail } from '#ports/audit-trail';
import type { EventBus } from '#ports/bus';
import type { Clock } from '#ports/clock';
import type { ConsoleAuthStore } from '#ports/console-auth';
import type { LedgerReader } from '#ports/ledger-reader';
import type { Metrics } from '#ports/metrics';
import type { PersonalDataStore, RawMailEraser } from '#ports/personal-data';
import type { JobQueue } from '#ports/queue';
import type { RateLimits } from '#ports/rate-limits';
import type { SendingGate } from '#ports/sending-gate';
import type { SignUpStore } from '#ports/sign-ups';
import type {
  LifecycleStore,
  MembershipStore,
  ParticipantStore,
  ProposalStore,
  RoundStore,
} from '#ports/store';

/**
 * Who is signed in to the console, and what they may manage: a coordinator of the stage (on the
 * `COORDINATORS` list) manages every round; a round's own coordinator (`coordinatorEmail`) that round.
 */
export interface Coordinator {
  email: string;
  /** On the stage's list: every round, and creating rounds. */
  stage: boolean;
}

/** What the console's routes read from each request, set by the session middleware. */
export interface ConsoleVariables {
  coordinator: Coordinator;
  /** The CSRF token every form of this session posts back (`csrf_token`). */
  csrfToken: string;
  /** The request came over HTTPS (always on AWS; never from `tandem dev`): cookies are then `Secure`. */
  secure: boolean;
  /** The client's address, for rate limits (CloudFront's viewer address only beside its secret). */
  client: string;
}

export type ConsoleEnvironment = { Variables: ConsoleVariables };
/** The routes under one round (`/console/rounds/:roundId/…`), once `roundOfPath` read the round they name. */
export type RoundEnvironment = { Variables: ConsoleVariables & { round: Round } };
export type ConsoleContext = Context<ConsoleEnvironment>;

/** Everything the console's routes use: the coordinator use cases' ports, and the console's own. */
export interface ConsoleDeps {
  rounds: RoundStore;
  participants: ParticipantStore;
  lifecycle: LifecycleStore;
  proposals: ProposalStore;
  signUps: SignUpStore;
  /** The send ledger and the sending state, for the `round status` figures. */
  ledger: LedgerReader;
  sendingGate: Pick<SendingGate, 'current'>;
  /** Moving a person to a new address, as `tandem participants change-email`. */
  addresses: AddressChangeStore;
  /** A person's data, found and anonymised (the People page, as `tandem participants export/forget`). */
  personalData: PersonalDataStore;
  /** Forgetting unsubscribes them from the rounds they still take part in. */
  membership: MembershipStore;
  /** Deletes the raw inbound mails a forgotten person sent. */
  rawMailEraser: RawMailEraser;
  /** The sender's From and relay domain, for the launch page's preview of the introduction. */
  mailFrom: string;
  replyDomain: string;
  limits: RateLimits;
  /** Sign-in links and sessions, stored by their tokens' hashes. */
  consoleAuth: ConsoleAuthStore;
  /** Every coordinator action (see `audit` in session.ts). */
  audit: AuditTrail;
  queue: JobQueue;
  bus: EventBus;
  keys: SigningKeys;
  /** What CloudFront sends in its origin header, so that its viewer address is believed; none locally. */
  originSecret?: string | undefined;
  /** The stage's coordinators (lower-cased). */
  coordinators: readonly string[];
  /** The programme's web address, which the public sign-up links shown to copy are built on. */
  linksBaseUrl: string;
  clock: Clock;
  metrics: Metrics;
  randomBytes: (size: number) => Uint8Array;
}

/** Whether the coordinator may see and change a round whose own coordinator is `roundCoordinator`. */
export const mayManage = (coordinator: Coordinator, roundCoordinator: string | undefined): boolean =>
  coordinator.stage ||
  (roundCoordinator !== undefined && roundCoordinator.toLowerCase() === coordinator.email);
