import fs from 'node:fs';
import { SrError } from '../../engine/errors.ts';
import { importModel } from '../../engine/models/import-model.ts';
import type { LoadedModel } from '../../engine/models/loaded-model.ts';
import { deleteModel, listModels, loadModel } from '../../engine/models/registry.ts';
import { ModelsRepo } from '../../engine/store/models-repo.ts';
import type { ModelSummary } from '../../shared/contract/index.ts';
import { QUALITY_BUDGET_DB, quantisationLoss, withinQualityBudget } from '../../shared/model-meta.ts';
import type { HandlerContext, HandlerTable } from '../handler.ts';
import { readSettings } from './settings.ts';

/** A default runs every batch of its scale: one that lost more than the quality budget needs the user to insist. */
function assertWithinBudget(model: LoadedModel): void {
  const q = model.meta.quantizedFrom;
  if (!q || withinQualityBudget(q)) return;
  throw new SrError(
    'OVER_QUALITY_BUDGET',
    `${model.meta.id} is ${quantisationLoss(q).toFixed(2)} dB below its float32 parent ${q.id} on ${q.calibration}, more than the ${QUALITY_BUDGET_DB} dB quality budget`,
    `Keep ${q.id} as the default, or make ${model.meta.id} the default anyway if its speed matters more than that loss.`,
    model.path,
  );
}

function sizeOf(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

/** The per-scale default (models.setDefault, kept in the store's models table) wins over the global settings one. */
function isDefault(model: LoadedModel, context: HandlerContext): boolean {
  const perScale = new ModelsRepo(context.services.store).defaultFor(model.meta.scale);
  if (perScale) return perScale.id === model.meta.id;
  return model.meta.id === readSettings(context.stateDir).defaultModelId;
}

function summarize(model: LoadedModel, context: HandlerContext): ModelSummary {
  return {
    meta: model.meta,
    path: model.path,
    origin: model.source,
    sizeBytes: sizeOf(model.path),
    isDefault: isDefault(model, context),
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
    new ModelsRepo(context.services.store).remove(id);
    return { deleted: true };
  },
  'models.setDefault': async ({ id, force }, context) => {
    // The zoo is file-based; the store's models table records the per-scale choice, so register the model first.
    const model = await loadModel(id, { stateDir: context.stateDir });
    if (!force) assertWithinBudget(model);
    const repo = new ModelsRepo(context.services.store);
    repo.register({ path: model.path, source: model.source === 'builtin' ? 'builtin' : 'user', meta: model.meta });
    repo.setDefault(model.meta.id);
    return { model: summarize(model, context) };
  },
};
