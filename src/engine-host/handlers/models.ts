import fs from 'node:fs';
import { SrError } from '../../engine/errors.ts';
import { resolveBatchModel } from '../../engine/jobs/batch-model.ts';
import { importModel } from '../../engine/models/import-model.ts';
import type { LoadedModel } from '../../engine/models/loaded-model.ts';
import { deleteModel, listModels, loadModel } from '../../engine/models/registry.ts';
import { strengthPartner } from '../../engine/models/strength.ts';
import { ModelsRepo } from '../../engine/store/models-repo.ts';
import type { ModelSummary } from '../../shared/contract/index.ts';
import { QUALITY_BUDGET_DB, quantisationLoss, withinQualityBudget } from '../../shared/model-meta.ts';
import { modelPurpose, modelTitle } from '../../shared/model-title.ts';
import type { HandlerContext, HandlerTable } from '../handler.ts';

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

/**
 * The model a batch of each scale runs when none is named, by the batch's own rule (resolveBatchModel: the per-scale
 * choice of models.setDefault, else the bundled default, the photo model where one is installed), keyed `id@scale`.
 */
async function batchDefaults(scales: Iterable<number>, context: HandlerContext): Promise<Set<string>> {
  const chosen = await Promise.all(
    [...new Set(scales)].map(async (scale) => {
      const model = await resolveBatchModel(undefined, scale, context.services.store).catch(() => undefined);
      return model && model.meta.scale === scale ? `${model.meta.id}@${scale}` : undefined;
    }),
  );
  return new Set(chosen.filter((key) => key !== undefined));
}

async function summarize(model: LoadedModel, context: HandlerContext, defaults: ReadonlySet<string>): Promise<ModelSummary> {
  const partner = await strengthPartner(model, { stateDir: context.stateDir });
  return {
    meta: model.meta,
    path: model.path,
    origin: model.source,
    sizeBytes: sizeOf(model.path),
    isDefault: defaults.has(`${model.meta.id}@${model.meta.scale}`),
    title: modelTitle(model.meta, model.source),
    purpose: modelPurpose(model.meta, model.source),
    strength: partner !== undefined,
  };
}

async function summarizeOne(model: LoadedModel, context: HandlerContext): Promise<ModelSummary> {
  return summarize(model, context, await batchDefaults([model.meta.scale], context));
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
    const defaults = await batchDefaults(
      models.map((model) => model.meta.scale),
      context,
    );
    return { models: await Promise.all(models.map((model) => summarize(model, context, defaults))) };
  },
  'models.import': async ({ path, id, name, scale }, context) => {
    const model = await importModel(path, { stateDir: context.stateDir }, { id, name, scale });
    return { model: await summarizeOne(model, context) };
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
    return { model: await summarizeOne(model, context) };
  },
};
