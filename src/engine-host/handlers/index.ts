import type { HandlerTable } from '../handler.ts';
import { datasetHandlers } from './datasets.ts';
import { diagnosticsHandlers } from './diagnostics.ts';
import { evaluationHandlers } from './evaluation.ts';
import { jobHandlers } from './jobs.ts';
import { modelHandlers } from './models.ts';
import { previewHandlers } from './preview.ts';
import { settingsHandlers } from './settings.ts';
import { systemHandlers } from './system.ts';
import { trainingHandlers } from './training.ts';

/**
 * The requests this engine build answers. Everything else in the contract gets NOT_IMPLEMENTED until its engine
 * code lands (see the list in docs of issue 6): add the handler file here when it does.
 */
export const handlers: HandlerTable = {
  ...systemHandlers,
  ...settingsHandlers,
  ...modelHandlers,
  ...jobHandlers,
  ...datasetHandlers,
  ...diagnosticsHandlers,
  ...previewHandlers,
  ...evaluationHandlers,
  ...trainingHandlers,
};
