import { markInterruptedImports } from '../../engine/datasets/index.ts';
import { JobsRepo } from '../../engine/store/jobs-repo.ts';
import type { EngineServices } from '../services.ts';

/**
 * Runs when an engine host starts (first start or a restart after a crash): batch jobs that a dead engine left
 * 'running', and data set imports it left 'importing', become 'interrupted' in the store, so the UI offers to
 * resume them. Returns how many records were marked.
 */
export function recoverInterruptedJobs(services: EngineServices): number {
  return new JobsRepo(services.store).markRunningAsInterrupted() + markInterruptedImports(services.store);
}
