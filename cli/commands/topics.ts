import type { Command } from 'commander';
import { lazy } from './lazy.ts';

export const registerTopicsCommands = (program: Command) => {
  const topics = program.command('topics').description("A programme's own discussion topics");
  topics
    .command('check')
    .description(
      "Check a programme's topic folder (en/01-slug.md, …, English the reference): every error by file and line, each topic that falls back to English",
    )
    .argument('<dir>', 'the folder: en/ with the topics, and any of es/, fr/, pt/ with the same file names')
    .option('--json', 'print the outcome as JSON')
    .addHelpText(
      'after',
      'Exit 1 when the folder has errors, 2 when there is no such folder. Nothing is sent or stored.',
    )
    .action(lazy(async () => (await import('../topics.ts')).checkTopicsCommand));
};
