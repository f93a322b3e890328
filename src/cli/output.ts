import { CommanderError } from 'commander';
import { isSrError } from '../engine/errors.ts';
import { EXIT } from './exit-codes.ts';

/**
 * Runs a CLI action and turns errors into a message a person can act on. Stack traces only with --verbose.
 * Exit codes (exit-codes.ts): 0 ok, 1 some work failed (set by the command), 2 the command itself could not run.
 */
export async function runGuarded(action: () => Promise<unknown>, verbose: boolean): Promise<void> {
  try {
    await action();
  } catch (error) {
    // Commander has printed its own message (or the help, or the version, which exit 0).
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.COULD_NOT_RUN;
      return;
    }
    printError(error, verbose);
    process.exitCode = EXIT.COULD_NOT_RUN;
  }
}

export function printError(error: unknown, verbose: boolean): void {
  if (isSrError(error)) {
    process.stderr.write(`srstudio: ${error.describe()}\n`);
  } else {
    process.stderr.write(`srstudio: unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
    if (!verbose) process.stderr.write('  → Run again with --verbose for details.\n');
  }
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
}

/** Writes exactly one JSON document on stdout; `Infinity` becomes null, as the protocol asks. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
}

/** PSNR for people: `inf` for identical images. */
export function formatDb(psnr: number | null): string {
  return psnr === null || !Number.isFinite(psnr) ? 'inf' : psnr.toFixed(2);
}
