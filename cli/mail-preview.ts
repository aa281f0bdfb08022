import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComposeSettings } from '#core/compose-mail';
import { DEFAULT_MAIL_LANGUAGE, LANGUAGE_NAMES, type MailLanguage } from '#core/languages';
import {
  type PreviewKind,
  previewIndexPage,
  previewMails,
  previewParticipant,
  previewPartners,
  usesSamplePartner,
} from '#core/mail-preview';
import type { SigningKeys } from '#core/relay-address';
import { localPorts, localUrls } from '#local/config';
import { CliError, ExitCode } from './errors.ts';
import { print } from './output.ts';
import { chosenStage } from './stage.ts';
import { stageStack } from './stage-outputs.ts';
import { target, unreachable } from './target.ts';

export interface PreviewOptions {
  round: string;
  participant?: string;
  kind?: PreviewKind;
  lang?: MailLanguage;
  out: string;
  json?: boolean;
}

/** One mail of `mail preview --json`: its files, by their paths under `--out`. */
export interface PreviewedMail {
  kind: PreviewKind;
  variant: string;
  subject: string;
  html: string;
  text: string;
}

/** What `mail preview --json` prints. */
export interface PreviewReport {
  round: string;
  participant: string;
  lang: MailLanguage;
  out: string;
  mails: PreviewedMail[];
}

/** Where links point when the stage's web address cannot be known: a domain that never resolves. */
export const PLACEHOLDER_LINKS_BASE_URL = 'https://example.invalid';

/**
 * Keys made for one preview and kept nowhere: no link signed with them verifies anywhere, so the
 * previews carry no credential of the participant's (an unsubscribe, a pause, a check-in answer).
 */
const throwawayKeys = (): SigningKeys => ({
  current: '1',
  keys: { '1': randomBytes(32).toString('base64url') },
});

/** The stage's web address (its LinksUrl output), or the local stack's links endpoint. */
const linksBaseUrl = async (): Promise<string> => {
  const chosen = chosenStage();
  if (!chosen) return localUrls(localPorts()).links;
  try {
    return (await stageStack(chosen.stage)).output('LinksUrl').replace(/\/+$/, '');
  } catch {
    return PLACEHOLDER_LINKS_BASE_URL;
  }
};

const writeTo = async (file: string, contents: string) => {
  try {
    await writeFile(file, contents);
  } catch (error) {
    throw new CliError(`--out: ${file}: ${(error as Error).message}`, ExitCode.usage, { cause: error });
  }
};

/**
 * `tandem mail preview`: composes every mail a participant of the round can receive (functions/core/
 * mail-preview.ts) from the round and members in the stage's store, and writes each as `<variant>.html`
 * and `<variant>.txt` under `--out`, with `index.html` listing them. Sends and stores nothing.
 */
export const previewCommand = async (options: PreviewOptions) => {
  const roundId = options.round;
  const stack = await target();
  const state = await stack.lifecycle.loadRoundState(roundId).catch(unreachable);
  if (!state) throw new CliError(`round ${roundId} does not exist`, ExitCode.refused);
  const chosen = previewParticipant(state.members, options.participant);
  if (!chosen) {
    throw new CliError(
      options.participant
        ? `--participant ${options.participant}: not a member of round ${roundId}`
        : `round ${roundId} has no members yet: import some with \`tandem participants import\``,
      ExitCode.refused,
    );
  }
  const { member, partners } = chosen;
  const now = await stack.now().catch(unreachable);
  const settings: ComposeSettings = {
    from: 'rounds@example.invalid',
    replyDomain: 'reply.example.invalid',
    linksBaseUrl: await linksBaseUrl(),
    keys: throwawayKeys(),
  };
  const lang = options.lang ?? member.mailLanguage ?? DEFAULT_MAIL_LANGUAGE;
  // A round with its own topics: they are stored with it (`round create --topics`), apart from its state.
  const topics = state.round.ownTopics ? await stack.rounds.getRoundTopics(roundId).catch(unreachable) : [];
  const mails = previewMails({
    round: state.round,
    topics,
    member,
    partners,
    settings,
    now,
    lang,
    ...(options.kind ? { kind: options.kind } : {}),
  });
  if (mails.length === 0) {
    throw new CliError(
      `round ${roundId} sends no ${options.kind} mail (it has no mid-round check-in)`,
      ExitCode.refused,
    );
  }

  try {
    await mkdir(options.out, { recursive: true });
  } catch (error) {
    throw new CliError(`--out ${options.out}: ${(error as Error).message}`, ExitCode.usage, { cause: error });
  }
  const report: PreviewReport = {
    round: roundId,
    participant: member.email,
    lang,
    out: options.out,
    mails: [],
  };
  for (const mail of mails) {
    const files = {
      html: join(options.out, `${mail.variant}.html`),
      text: join(options.out, `${mail.variant}.txt`),
    };
    await writeTo(files.html, mail.html);
    await writeTo(files.text, mail.text);
    report.mails.push({ kind: mail.kind, variant: mail.variant, subject: mail.subject, ...files });
  }
  const sample = usesSamplePartner(partners);
  await writeTo(
    join(options.out, 'index.html'),
    previewIndexPage({
      round: state.round,
      member,
      partners: previewPartners(member, partners),
      samplePartner: sample,
      lang,
      linksBaseUrl: settings.linksBaseUrl,
      mails,
    }),
  );

  print(options, report, () =>
    [
      `Wrote ${mails.length} ${mails.length === 1 ? 'mail' : 'mails'} of round ${roundId}, as ${member.name} <${member.email}> receives them in ${LANGUAGE_NAMES[lang]}, to ${options.out}`,
      ...(sample ? [`${member.name} has no partner yet: the mails name a sample partner.`] : []),
      `Open ${join(options.out, 'index.html')}. Their links are signed with a throwaway key: they do not work.`,
    ].join('\n'),
  );
};
