import { z } from 'zod';
import { EntityId, FsPath, ImageRef, Scale, Seconds } from '../common.ts';
import { defineRequest } from '../define.ts';
import { RecipeJson } from './dataset-profile.ts';
import { JobState } from './jobs.ts';

/** The engine's named degradations (docs/degradation.md): the benchmark protocol, phone and camera photos, old photos. */
export const DEGRADATION_PRESETS = ['clean', 'photo', 'heavy'] as const;

/**
 * How a run makes its training inputs from the HR photos: a named preset, or a recipe (e.g. a data set profile's),
 * by name and whole. The engine validates a recipe with its own schema and answers BAD_ARGUMENT naming the issue.
 */
export const TrainingDegradation = z.union([
  z.object({ preset: z.enum(DEGRADATION_PRESETS) }).strict(),
  z.object({ name: z.string().min(1).max(80), recipe: RecipeJson }).strict(),
]);
export type TrainingDegradation = z.infer<typeof TrainingDegradation>;

/**
 * One validation image at one validation step, as three same-size crops (luma, which is what the model produces
 * and what PSNR/SSIM measure): bicubic, the model, and the ground truth. PNG files under the run's folder in the
 * state folder, loaded through the restricted image route like preview tiles; replaced at each validation.
 */
export const ValidationSample = z.object({
  step: z.number().int().nonnegative(),
  image: z.string().max(500),
  bicubic: ImageRef,
  model: ImageRef,
  truth: ImageRef,
});
export type ValidationSample = z.infer<typeof ValidationSample>;

export const TrainingRunSummary = z.object({
  id: EntityId,
  architecture: z.string().max(100),
  scale: Scale,
  /** The data set trained on; null when the run trained on a folder (see `data`). */
  datasetId: EntityId.nullable(),
  /** What the run trains on, as given: `dataset:ID` or a folder. */
  data: z.string().max(4096).optional(),
  /** The job (jobs.list) that runs it; absent for runs started by `srstudio train`. */
  jobId: EntityId.optional(),
  bestSsim: z.number().nullable().optional(),
  /** The run's best model file, once one was exported (validation improved, or the run ended without validation). */
  modelPath: FsPath.nullable().optional(),
  error: z.string().max(2000).nullable().optional(),
  /** The latest validation sample, when the run has one. */
  sample: ValidationSample.optional(),
  /** The model whose weights the run started from (warm start). */
  initModelId: EntityId.optional(),
  /** What the run's inputs are degraded like: a preset's or recipe's name and description; null: clean (the protocol). */
  degradation: z
    .object({ name: z.string().max(80), description: z.string().max(2000).optional() })
    .nullable()
    .optional(),
  state: JobState,
  step: z.number().int().nonnegative(),
  totalSteps: z.number().int().nonnegative(),
  bestPsnr: z.number().nullable(),
  createdAt: z.iso.datetime(),
});
export type TrainingRunSummary = z.infer<typeof TrainingRunSummary>;

export const MetricPoint = z.object({
  step: z.number().int().nonnegative(),
  loss: z.number(),
  /** Validation PSNR, only on validation steps. */
  psnr: z.number().nullable(),
  learningRate: z.number(),
  samplesPerSecond: z.number().nonnegative(),
  /** Validation SSIM, and bicubic's PSNR/SSIM on the same images (the baseline), only on validation steps. */
  ssim: z.number().nullable().optional(),
  bicubicPsnr: z.number().nullable().optional(),
  bicubicSsim: z.number().nullable().optional(),
});
export type MetricPoint = z.infer<typeof MetricPoint>;

/** The live `training.metrics` event: the latest point (coalesced, at most a few per second) with progress. */
export const TrainingMetricsEvent = MetricPoint.extend({
  runId: EntityId,
  totalSteps: z.number().int().nonnegative().optional(),
  etaSeconds: Seconds.optional(),
  sample: ValidationSample.optional(),
});

const RunRef = z.object({ runId: EntityId }).strict();

/** The presets the Train form offers; `architecture` also takes a preset name with options or an architecture JSON. */
export const TRAINING_PRESETS = [
  'srcnn-9-1-5',
  'srcnn-9-5-5',
  'srcnn-9-1-5-same-res',
  'srcnn-9-5-5-same-res',
  'fsrcnn',
  'fsrcnn-res',
  'fsrcnn-56-32-4-res-relu',
  // The bundled photo models' networks (photo-x2 and -x3, photo-x4), so that one can be fine-tuned from the form.
  'fsrcnn-56-48-8-res-relu',
  'fsrcnn-56-64-8-res-relu',
  'espcn',
  'espcn-res',
] as const;
/** `dataset:ID` or a folder of HR images. */
const ImageSource = z.union([z.string().regex(/^dataset:[0-9]+$/), FsPath]);

/**
 * What the Train form sends. The engine checks the rest (architecture text, patch size vs architecture, images on
 * disk) and answers BAD_ARGUMENT naming the field.
 */
export const TrainingStartParams = z
  .object({
    architecture: z.union([z.enum(TRAINING_PRESETS), z.string().min(1).max(2000)]),
    scale: Scale,
    /** A data set id (its train split). Give exactly one of datasetId and data. */
    datasetId: EntityId.optional(),
    /** `dataset:ID` or a folder of HR images. */
    data: ImageSource.optional(),
    /** Validation images: `dataset:ID` (its val split) or a folder; absent: the training data set's val split, if any. */
    validation: ImageSource.optional(),
    steps: z.number().int().min(1).max(10_000_000),
    batchSize: z.number().int().min(1).max(1024).default(64),
    /** HR side of a training patch. */
    patch: z.number().int().min(4).max(512).default(33),
    learningRate: z.number().positive().max(1).default(1e-3),
    schedule: z.enum(['constant', 'step', 'cosine']).default('constant'),
    loss: z.enum(['mse', 'l1']).default('mse'),
    seed: z.number().int().min(0).default(1),
    validateEvery: z.number().int().min(1).max(10_000_000).default(500),
    checkpointEvery: z.number().int().min(1).max(10_000_000).default(1000),
    device: z.enum(['auto', 'cpu', 'cuda', 'dml', 'coreml']).default('auto'),
    /** `uniform`: every position alike; `texture`: patches drawn more often where the photos have texture. */
    sampling: z.enum(['uniform', 'texture']).default('uniform'),
    /** Start from this model's weights (models.list id) instead of a seeded initialisation. */
    initModelId: EntityId.optional(),
    /** How inputs are made from the photos; absent: clean (the benchmark protocol). */
    degradation: TrainingDegradation.optional(),
  })
  .strict()
  .refine((p) => (p.datasetId === undefined) !== (p.data === undefined), {
    message: 'give exactly one of datasetId and data',
    path: ['data'],
  });
export type TrainingStartParams = z.output<typeof TrainingStartParams>;

export const trainingRequests = {
  'training.start': defineRequest(
    TrainingStartParams,
    z.object({ run: TrainingRunSummary }),
    'Queues a training run as a job (it starts when no other job runs); metrics arrive as training.metrics events.',
  ),
  'training.pause': defineRequest(RunRef, z.object({ run: TrainingRunSummary }), 'Checkpoints and pauses a run.'),
  'training.resume': defineRequest(
    RunRef,
    z.object({ run: TrainingRunSummary }),
    'Continues a paused or interrupted run from its checkpoint.',
  ),
  'training.cancel': defineRequest(RunRef, z.object({ run: TrainingRunSummary }), 'Stops a run; its last checkpoint is kept.'),
  'training.runs': defineRequest(z.object({}).strict(), z.object({ runs: z.array(TrainingRunSummary) }), 'Every training run.'),
  'training.metrics': defineRequest(
    RunRef.extend({ sinceStep: z.number().int().nonnegative().default(0), maxPoints: z.number().int().min(1).max(100_000).default(5000) }),
    z.object({ points: z.array(MetricPoint) }),
    'Recorded metrics of a run, downsampled to maxPoints.',
  ),
  'training.promote': defineRequest(
    RunRef.extend({ id: EntityId.optional(), name: z.string().min(1).max(200).optional() }),
    z.object({ modelId: EntityId, path: FsPath }),
    "Copies a run's best model into the user's models, so it appears in models.list.",
  ),
} as const;
