import { markInterruptedImports } from '../../engine/datasets/index.ts';
import { JobsRepo } from '../../engine/store/jobs-repo.ts';
import { RunsRepo } from '../../engine/store/runs-repo.ts';
import type { EngineServices } from '../services.ts';

/**
 * Runs when an engine host starts (first start or a restart after a crash): jobs and training runs that a dead
 * engine left 'running', and data set imports it left 'importing', become 'interrupted' in the store, so the UI
 * offers to resume them. Then the job queue starts on whatever is still 'queued' (job-queue.ts), in order.
 * Returns how many records were marked.
 */
export function recoverInterruptedJobs(services: EngineServices): number {
  const store = services.store;
  const marked =
    new JobsRepo(store).markRunningAsInterrupted() + new RunsRepo(store).markRunningAsInterrupted() + markInterruptedImports(store);
  services.queue.start();
  return marked;
}
