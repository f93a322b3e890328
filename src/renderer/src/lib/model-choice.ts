import type { ModelSummary } from '../../../shared/contract/index.ts';

/**
 * How the pickers (Upscale, Compare) offer models: by what they are for (`title`), per scale, the model a batch runs by
 * default first, then the bundled ones (photos, clean sources, the reference), then the user's own. Architecture,
 * training and scores are one "details" click away, never in the option text.
 */
const PURPOSE_ORDER: Record<ModelSummary['purpose'], number> = { photos: 0, clean: 1, reference: 2, custom: 3 };

/** A default that is a photo model is the one to pick for camera and phone JPEGs: the picker says so. */
export function isRecommended(model: ModelSummary): boolean {
  return model.isDefault && model.purpose === 'photos';
}

/** "Photos (JPEG, phone, camera) ×2 — recommended", "Clean sources (PNG, renders, scans) ×2", "My model — default". */
export function choiceLabel(model: ModelSummary): string {
  if (isRecommended(model)) return `${model.title} — recommended`;
  return model.isDefault ? `${model.title} — default` : model.title;
}

function byChoice(a: ModelSummary, b: ModelSummary): number {
  return (
    Number(b.isDefault) - Number(a.isDefault) ||
    PURPOSE_ORDER[a.purpose] - PURPOSE_ORDER[b.purpose] ||
    a.title.localeCompare(b.title) ||
    a.meta.id.localeCompare(b.meta.id)
  );
}

export interface ScaleGroup {
  scale: number;
  models: ModelSummary[];
}

/**
 * The picker's groups, ascending by scale. `withInt8: false` leaves out quantised variants, which the Upscale screen
 * reaches through its Precision choice (as `srstudio models` does); Compare lists them, to be compared.
 */
export function modelChoices(models: readonly ModelSummary[], options: { withInt8: boolean }): ScaleGroup[] {
  const offered = models.filter((m) => options.withInt8 || !m.meta.quantizedFrom);
  return [...new Set(offered.map((m) => m.meta.scale))]
    .sort((a, b) => a - b)
    .map((scale) => ({ scale, models: offered.filter((m) => m.meta.scale === scale).sort(byChoice) }));
}

/** The model a picker starts on: the recommended one, else the default of the lowest scale, else the first offered. */
export function initialChoice(models: readonly ModelSummary[]): ModelSummary | undefined {
  const offered = modelChoices(models, { withInt8: false }).flatMap((group) => group.models);
  return offered.find(isRecommended) ?? offered.find((m) => m.isDefault) ?? offered[0];
}
