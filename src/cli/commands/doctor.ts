import type { Command } from 'commander';
import type { DoctorCliOptions } from './doctor-action.ts';

/** Exit codes: 0 every check passed, 1 a check found a problem (store damaged, Redis unreachable), 2 could not run. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'Check this machine: versions, execution providers, CPU features, what --precision auto picks, the models folder, the store and a queue',
    )
    .option('--state <dir>', 'state folder to check (default: $SRSTUDIO_HOME or the app-data folder)')
    .option('--redis <url>', 'also check that this queue answers: redis://HOST:PORT, rediss:// for TLS')
    .option('--json', 'print one JSON document')
    // onnxruntime, SQLite and (with --redis) ioredis load only when the command runs, so `--help` stays fast.
    .action(async (opts: DoctorCliOptions) => (await import('./doctor-action.ts')).doctorAction(opts));
}
