import { Command, CommanderError } from 'commander';
import { registerClockCommands } from './clock.ts';
import { registerDevCommand } from './dev.ts';
import { CliError, ExitCode } from './errors.ts';
import { registerInboundCommands } from './inbound.ts';
import { registerMatchCommand } from './match.ts';
import { registerMatchesCommands } from './matches.ts';
import { registerParticipantsCommands } from './participants.ts';
import { registerRoundCommands } from './round.ts';
import { registerSimulateCommand } from './simulate.ts';
import { addStageOption } from './target.ts';

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

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else if (error instanceof CliError) {
    console.error(`tandem: ${error.message}`);
    process.exitCode = error.exitCode;
  } else {
    console.error(`tandem: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = ExitCode.unavailable;
  }
}
