/**
 * Bundled models for the tests of model choice and restoration strength, which must not depend on the real photo-x2
 * and photo-x4 being bundled: a `resources` folder (point SRSTUDIO_RESOURCES at it) whose `models/` holds
 * - `fsrcnn-x2`: a clean model ("Clean sources (PNG, renders, scans) ×2");
 * - `photo-x2`: a photo model fine-tuned from it, as `train --degrade photo --init fsrcnn-x2` makes one: the photo
 *   preset in `degradation`, `lineage[0]` = fsrcnn-x2, the same architecture with other weights, so strength applies
 *   and the engine makes it the ×2 default;
 * - `srcnn-x2`: the reference ("SRCNN ×2 (the classic, for reference)"), which has no strength partner.
 * Real ONNX graphs from the trainer's own exporter at small widths (models-exported.ts), so every pane really runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { preset } from '../../src/engine/degrade/index.ts';
import { withModelMeta } from '../../src/engine/models/model-bytes.ts';
import { exportedModel } from './models-exported.ts';

const FSRCNN = 'fsrcnn-8-4-1-res-relu';
const SRCNN = 'srcnn-5-3-3-same-res-n16-8';

export function writePhotoModelResources(resourcesDir: string): string {
  const models = path.join(resourcesDir, 'models');
  fs.mkdirSync(models, { recursive: true });
  fs.writeFileSync(path.join(models, 'fsrcnn-x2.onnx'), exportedModel(FSRCNN, 2, 'fsrcnn-x2', 1).bytes);
  const tuned = exportedModel(FSRCNN, 2, 'photo-x2', 2);
  const meta = {
    ...tuned.meta,
    name: 'Photo FSRCNN ×2 (test fixture)',
    degradation: { name: 'photo', recipe: preset('photo').recipe },
    lineage: [{ id: 'fsrcnn-x2', sha256: '0'.repeat(64), trainingSeconds: null }],
  };
  fs.writeFileSync(path.join(models, 'photo-x2.onnx'), withModelMeta(tuned.bytes, meta));
  fs.writeFileSync(path.join(models, 'srcnn-x2.onnx'), exportedModel(SRCNN, 2, 'srcnn-x2', 3).bytes);
  return resourcesDir;
}
