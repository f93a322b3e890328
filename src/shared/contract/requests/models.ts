import { z } from 'zod';
import { ModelMeta } from '../../model-meta.ts';
import { Empty, EntityId, FsPath } from '../common.ts';
import { defineRequest } from '../define.ts';

export const ModelSummary = z.object({
  meta: ModelMeta,
  /** Where the ONNX file lives. */
  path: FsPath,
  /** `builtin`: shipped with the app; `user`: imported or trained into the state folder; `file`: used in place. */
  origin: z.enum(['builtin', 'user', 'file']),
  /** null when the file is missing on disk (moved or deleted behind the app's back). */
  sizeBytes: z.number().int().nonnegative().nullable(),
  /**
   * The model a batch of its scale runs when none is named: the one made default for the scale (models.setDefault),
   * else the bundled default (the photo model where one is installed).
   */
  isDefault: z.boolean(),
  /** What a person chooses by: "Photos (JPEG, phone, camera) ×2", "Clean sources (PNG, renders, scans) ×2", or a user's own name. */
  title: z.string().min(1).max(300),
  purpose: z.enum(['photos', 'clean', 'reference', 'custom']),
  /** Restoration strength (0..1) applies: the clean model this one was fine-tuned from is installed, same architecture. */
  strength: z.boolean(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const modelRequests = {
  'models.list': defineRequest(Empty, z.object({ models: z.array(ModelSummary) }), 'Every model the engine can use.'),
  'models.import': defineRequest(
    z
      .object({
        path: FsPath,
        id: EntityId.optional(),
        name: z.string().min(1).max(200).optional(),
        /** Needed for models that take an upsampled input, whose factor cannot be measured. */
        scale: z.number().int().min(1).max(16).optional(),
      })
      .strict(),
    z.object({ model: ModelSummary }),
    'Copies an ONNX file into the model store after checking it.',
  ),
  'models.delete': defineRequest(z.object({ id: EntityId }).strict(), z.object({ deleted: z.boolean() }), 'Removes a user model.'),
  'models.setDefault': defineRequest(
    z
      .object({
        id: EntityId,
        /** A quantised model more than the quality budget below its parent is refused (OVER_QUALITY_BUDGET) unless this is true. */
        force: z.boolean().optional(),
      })
      .strict(),
    z.object({ model: ModelSummary }),
    'Makes a model the default for its scale (the previous default of that scale loses the flag).',
  ),
} as const;
