import type { HandlerTable } from '../handler.ts';
import { datasetProfileHandlers } from './dataset-profile.ts';
import { datasetHandlers } from './datasets.ts';
import { diagnosticsHandlers } from './diagnostics.ts';
import { evaluationHandlers } from './evaluation.ts';
import { jobHandlers } from './jobs.ts';
import { modelHandlers } from './models.ts';
import { previewHandlers } from './preview.ts';
import { queueHandlers } from './queue.ts';
import { settingsHandlers } from './settings.ts';
import { systemHandlers } from './system.ts';
import { trainingHandlers } from './training.ts';

/**
 * The requests this engine answers: every method of the contract (test/engine-host/roundtrip.test.ts checks it).
 * A request without a handler would get NOT_IMPLEMENTED.
 */
export const handlers: HandlerTable = {
  ...systemHandlers,
  ...settingsHandlers,
  ...modelHandlers,
  ...jobHandlers,
  ...queueHandlers,
  ...datasetHandlers,
  ...datasetProfileHandlers,
  ...diagnosticsHandlers,
  ...previewHandlers,
  ...evaluationHandlers,
  ...trainingHandlers,
};
