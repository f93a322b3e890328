import type { Command } from 'commander';
import type { JobsStatusCliOptions } from './jobs-action.ts';

export function registerJobsCommand(program: Command): void {
  const jobs = program.command('jobs').description('Look at batches: this machine’s journal, or a queued batch in Redis');
  jobs
    .command('status')
    .description('Where a batch stands: done, failed, remaining (with --redis: a queued batch, from any machine)')
    .argument('<id>', 'a job id of this machine’s journal, or with --redis the batch number printed when it was queued')
    .option('--redis <url>', 'read queued batch ID from this Redis (redis://HOST:PORT, rediss:// for TLS)')
    .option('--state <dir>', 'state folder holding the job journal (default: $SRSTUDIO_HOME or the app-data folder)')
    .option('--json', 'print one JSON document')
    .action(async (id: string, opts: JobsStatusCliOptions) => (await import('./jobs-action.ts')).jobsStatusAction(id, opts));
}
