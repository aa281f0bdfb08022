import { type Command, Option } from 'commander';
import { loadChecksBeforeSubcommands, roundIdOption } from './checks.ts';
import { lazy } from './lazy.ts';

/**
 * The kinds `mail preview --kind` takes: PREVIEW_KINDS of functions/core/mail-preview.ts, written out
 * here so that `tandem --help` loads no compose code (a unit test keeps the two lists the same).
 */
export const PREVIEW_KIND_CHOICES = [
  'intro',
  'topic',
  'checkin',
  'nudge',
  'partner-left',
  'partner-paused',
  'partner-quiet',
  'close',
  'relay',
  'command-ack',
  'undeliverable',
  'sign-up',
  'next-round-open',
] as const;

/** MAIL_LANGUAGES of functions/core/languages.ts (the same unit test checks them). */
export const PREVIEW_LANGUAGE_CHOICES = ['en', 'es', 'fr', 'pt'] as const;

export const registerMailCommands = (program: Command) => {
  loadChecksBeforeSubcommands(program);
  const mail = program.command('mail').description('The mails participants receive');
  mail
    .command('preview')
    .description(
      'Write every mail a participant of the round can receive, as they would receive it, to a folder: an HTML and a text file for each (intro.html, intro.txt, topic-01.html, …) and index.html listing them',
    )
    .requiredOption('--round <roundId>', 'the round', roundIdOption)
    .option(
      '--participant <email>',
      'whose mails (default: the first member with a partner, else the first member; without a partner, a sample partner stands in)',
    )
    .addOption(new Option('--kind <kind>', 'only the mails of this kind').choices(PREVIEW_KIND_CHOICES))
    .addOption(
      new Option('--lang <code>', "write them as if this were the participant's mail language").choices(
        PREVIEW_LANGUAGE_CHOICES,
      ),
    )
    .requiredOption('--out <dir>', 'the folder to write them to (created if missing)')
    .option('--json', 'print {round, participant, lang, out, mails: [{kind, variant, subject, html, text}]}')
    .addHelpText(
      'after',
      'Links in the mails are signed with a throwaway key: they do not work. Nothing is sent or stored. Exit 1 for an unknown round or participant.',
    )
    .action(lazy(async () => (await import('../mail-preview.ts')).previewCommand));
};
