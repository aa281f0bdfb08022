import { Command } from 'commander';
import { registerClockCommands } from './commands/clock.ts';
import { registerDevCommand } from './commands/dev.ts';
import { registerInboundCommands } from './commands/inbound.ts';
import { registerMailCommands } from './commands/mail.ts';
import { registerMatchCommand } from './commands/match.ts';
import { registerMatchesCommands } from './commands/matches.ts';
import { registerParticipantsCommands } from './commands/participants.ts';
import { registerProgrammeCommands } from './commands/programme.ts';
import { registerRoundCommands } from './commands/round.ts';
import { registerSimulateCommand } from './commands/simulate.ts';
import { registerTopicsCommands } from './commands/topics.ts';
import { addStageOption } from './stage.ts';

/**
 * The `tandem` program: every command, argument and option, with the actions loaded only when they run.
 * cli/main.ts runs it; cli/reference.ts writes docs/cli.md from it.
 */
export const tandemProgram = (): Command => {
  const program = new Command()
    .name('tandem')
    .description('Tandem: international peer mentoring, run over email')
    .showHelpAfterError()
    .exitOverride();
  addStageOption(program);

  registerDevCommand(program);
  registerRoundCommands(program);
  registerParticipantsCommands(program);
  registerMatchCommand(program);
  registerMatchesCommands(program);
  registerClockCommands(program);
  registerInboundCommands(program);
  registerSimulateCommand(program);
  registerTopicsCommands(program);
  registerProgrammeCommands(program);
  registerMailCommands(program);
  return program;
};
