import { SrError } from '../../engine/errors.ts';
import { importModel } from '../../engine/models/import-model.ts';
import { RunsRepo } from '../../engine/store/runs-repo.ts';
import type { TrainingRunSummary } from '../../shared/contract/index.ts';
import type { HandlerTable } from '../handler.ts';
import { jobOfRun, requireRun } from '../jobs/training-runner.ts';
import { metricPoints, toRunSummary } from '../jobs/training-views.ts';
import type { EngineServices } from '../services.ts';

function runNumber(runId: string): number {
  const id = Number(runId);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new SrError('NOT_FOUND', `No training run "${runId}"`, 'Run ids are the numbers that training.runs shows.');
  return id;
}

function summary(services: EngineServices, runId: number): { run: TrainingRunSummary } {
  return { run: toRunSummary(services.store, requireRun(services.store, runId)) };
}

/** Stops a run through its queue job: a running one checkpoints first; a queued one leaves the line. */
async function stopRun(services: EngineServices, runId: number, reason: 'pause' | 'cancel'): Promise<{ run: TrainingRunSummary }> {
  const store = services.store;
  const run = requireRun(store, runId);
  const job = jobOfRun(store, runId);
  const running = job !== undefined && services.queue.current?.id === job.id;
  if (reason === 'pause' && !running) {
    throw new SrError('BAD_ARGUMENT', `Training run ${runId} is not running (${run.status})`, 'Only a running run can be paused.');
  }
  if (job && (running || job.status === 'queued')) await services.queue.stop(job.id, reason);
  if (!running && ['queued', 'paused', 'interrupted'].includes(run.status)) new RunsRepo(store).setStatus(runId, 'cancelled');
  return summary(services, runId);
}

/** Training runs as queue jobs (jobs/training-runner.ts), their curves from the store, and promotion to a model. */
export const trainingHandlers: HandlerTable = {
  'training.start': async (params, { services }) => {
    const { run, job } = await services.training.plan(params);
    services.queue.kick(job.id);
    return summary(services, run.id);
  },
  'training.pause': async ({ runId }, { services }) => stopRun(services, runNumber(runId), 'pause'),
  'training.cancel': async ({ runId }, { services }) => stopRun(services, runNumber(runId), 'cancel'),
  'training.resume': async ({ runId }, { services }) => {
    const job = services.training.requeue(runNumber(runId));
    services.queue.kick(job.id);
    return summary(services, runNumber(runId));
  },
  'training.runs': async (_params, { services }) => ({
    runs: new RunsRepo(services.store).list().map((run) => toRunSummary(services.store, run)),
  }),
  'training.metrics': async ({ runId, sinceStep, maxPoints }, { services }) => {
    const id = runNumber(runId);
    requireRun(services.store, id);
    return { points: metricPoints(services.store, id, sinceStep, maxPoints) };
  },
  'training.promote': async ({ runId, id, name }, { services, stateDir }) => {
    const run = requireRun(services.store, runNumber(runId));
    if (!run.modelPath) {
      throw new SrError(
        'NOT_FOUND',
        `Training run ${run.id} has no model yet`,
        'A run exports its model at its first validation (or when it ends): wait for one, then promote it.',
      );
    }
    const model = await importModel(run.modelPath, { stateDir }, { id, name });
    return { modelId: model.meta.id, path: model.path };
  },
};
