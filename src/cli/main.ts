import { Command } from 'commander';
import { registerCommands } from './commands/index.ts';
import { runGuarded } from './output.ts';

const program = new Command()
  .name('srstudio')
  .description('SR Studio: super-resolution for photos — upscale, train, evaluate, benchmark, serve.')
  .option('--verbose', 'print stack traces for errors')
  .showHelpAfterError();

registerCommands(program);

await runGuarded(() => program.parseAsync(process.argv), program.opts().verbose === true || process.argv.includes('--verbose'));
