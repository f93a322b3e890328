import { Command } from 'commander';
import { registerCommands } from './commands/index.ts';
import { EXIT_CODES_HELP } from './exit-codes.ts';
import { setVerboseNotices } from './notices.ts';
import { runGuarded } from './output.ts';
import { packageVersion } from './version.ts';

const program = new Command()
  .name('srstudio')
  .description('SR Studio: super-resolution for photos — upscale, train, evaluate, benchmark, serve.')
  .version(packageVersion(), '-V, --version', 'print the version and exit')
  .option('--verbose', 'print stack traces for errors, and every note (the CPU-fallback note is otherwise shown once per machine)')
  .addHelpText('after', EXIT_CODES_HELP)
  .showHelpAfterError()
  // Usage errors (unknown option, missing argument) come back to runGuarded as errors, to exit 2 like any other
  // command that cannot run; commander's own default is 1. Set before the commands, which inherit it.
  .exitOverride()
  .hook('preAction', (_program, action) => setVerboseNotices(action.optsWithGlobals().verbose === true));

registerCommands(program);

await runGuarded(() => program.parseAsync(process.argv), program.opts().verbose === true || process.argv.includes('--verbose'));
