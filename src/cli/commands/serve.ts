import type { Command } from 'commander';
import type { ServeCliOptions } from './serve-action.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve the SR Studio UI to a browser, with a token, on loopback by default')
    .option('--port <n>', 'port to listen on (0: a free one)', '0')
    .option('--host <addr>', 'address to bind; anything but loopback exposes your engine to the network', '127.0.0.1')
    .option('--state <dir>', 'state folder (database, models, thumbnails)')
    .option(
      '--root <dir>',
      'a folder the browser may browse and load images from (repeatable)',
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .option('--open', 'open the URL in the default browser')
    // The engine host, server and contract load only when the command runs, so `--help` stays fast.
    .action(async (opts: ServeCliOptions) => (await import('./serve-action.ts')).serveAction(opts));
}
