import type { ModelMeta } from './model-meta.ts';

/**
 * Models named by what they are for, in the pickers (Upscale, Compare) and in `srstudio models`: a user chooses
 * "photos" or "clean sources", not "fsrcnn-56-32-4-res-relu-x2". Architecture, training and scores stay one click away.
 */
export type ModelPurpose = 'photos' | 'clean' | 'reference' | 'custom';

type TitledMeta = Pick<ModelMeta, 'name' | 'architecture' | 'scale' | 'degradation' | 'quantizedFrom'>;

/** Bundled models by their training; a user's or an imported model is 'custom' (its own name is its title). */
export function modelPurpose(meta: TitledMeta, source: 'builtin' | 'user' | 'file'): ModelPurpose {
  if (source !== 'builtin') return 'custom';
  if (meta.degradation) return 'photos';
  return meta.architecture.startsWith('srcnn') ? 'reference' : 'clean';
}

/**
 * The recipes that make a model for phone and camera photos: the `photo` preset, and the same with a phone's unsharp
 * mask (docs/recipes/photo-sharpened.json), which the bundled photo models learned last.
 */
const PHOTO_RECIPES: ReadonlySet<string> = new Set(['photo', 'photo-sharpened']);

/** Whether a training recipe made a model for phone and camera photos. */
export function isForPhotos(degradationName: string | undefined): boolean {
  return degradationName !== undefined && PHOTO_RECIPES.has(degradationName);
}

/** The other recipes a bundled model may be named for. */
const DEGRADATION_WORDS: Record<string, string> = {
  heavy: 'Old, scanned or web-recompressed photos',
};

/** "Photos (JPEG, phone, camera) ×2", "Clean sources (PNG, renders, scans) ×2", "SRCNN ×2 (the classic, for reference)". */
export function modelTitle(meta: TitledMeta, source: 'builtin' | 'user' | 'file'): string {
  const int8 = meta.quantizedFrom ? ', int8' : '';
  switch (modelPurpose(meta, source)) {
    case 'photos': {
      const name = meta.degradation?.name ?? 'photo';
      const words = isForPhotos(name) ? 'Photos (JPEG, phone, camera)' : (DEGRADATION_WORDS[name] ?? `Photos like “${name}”`);
      return `${words} ×${meta.scale}${int8}`;
    }
    case 'clean':
      return `Clean sources (PNG, renders, scans) ×${meta.scale}${int8}`;
    case 'reference':
      return `SRCNN ×${meta.scale} (the classic, for reference)${int8}`;
    case 'custom':
      return meta.name;
  }
}

/** A model's network as `train --arch` takes it and the Train screen lists it: its architecture without its `-xN`. */
export function networkOf(architecture: string, scale: number): string {
  const suffix = `-x${scale}`;
  return architecture.endsWith(suffix) ? architecture.slice(0, -suffix.length) : architecture;
}
