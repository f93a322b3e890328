import type { ModelMeta } from '../../shared/model-meta.ts';

/** Where a model came from: shipped with the app, imported into the state folder, or a file passed by path. */
export type ModelSource = 'builtin' | 'user' | 'file';

/** A model file whose metadata has been read and validated. Sessions are opened lazily, per device. */
export interface LoadedModel {
  meta: ModelMeta;
  path: string;
  source: ModelSource;
}
