import fs from 'node:fs';
import { importModel } from '../../engine/models/import-model.ts';
import type { LoadedModel } from '../../engine/models/loaded-model.ts';
import { deleteModel, listModels } from '../../engine/models/registry.ts';
import type { ModelSummary } from '../../shared/contract/index.ts';
import type { HandlerContext, HandlerTable } from '../handler.ts';
import { readSettings } from './settings.ts';

function sizeOf(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

function summarize(model: LoadedModel, context: HandlerContext): ModelSummary {
  const defaultId = readSettings(context.stateDir).defaultModelId;
  return {
    meta: model.meta,
    path: model.path,
    origin: model.source,
    sizeBytes: sizeOf(model.path),
    isDefault: model.meta.id === defaultId,
  };
}

/**
 * Wired to the model zoo (src/engine/models/registry.ts): bundled models plus the user's `<state>/models`, the same
 * list `srstudio models` shows. Problems with single files are reported as log events, not as a failed list.
 */
export const modelHandlers: HandlerTable = {
  'models.list': async (_params, context) => {
    const models = await listModels({ stateDir: context.stateDir }, (problem) =>
      context.emit('log', { level: 'warn', source: 'models', message: `${problem.path}: ${problem.reason}`, at: new Date().toISOString() }),
    );
    return { models: models.map((model) => summarize(model, context)) };
  },
  'models.import': async ({ path, id, name, scale }, context) => {
    const model = await importModel(path, { stateDir: context.stateDir }, { id, name, scale });
    return { model: summarize(model, context) };
  },
  'models.delete': async ({ id }, context) => {
    await deleteModel(id, { stateDir: context.stateDir });
    return { deleted: true };
  },
};
