/**
 * A training run's checkpoint as an ONNX model, exported exactly as the run exports its best weights, so that any
 * step can be evaluated (e.g. to choose the shipped step by a rule on the validation split).
 *
 *   npx tsx scripts/research/checkpoint-model.ts CHECKPOINT.ckpt OUT.onnx
 */

import { parseArch } from '../../src/engine/training/architectures.ts';
import { loadCheckpoint } from '../../src/engine/training/checkpoint.ts';
import { exportRunModel } from '../../src/engine/training/export-model.ts';
import { type TrainConfig, validateConfig } from '../../src/engine/training/train-config.ts';

const [from, out] = process.argv.slice(2);
if (!from || !out) throw new Error('usage: checkpoint-model.ts CHECKPOINT.ckpt OUT.onnx');
const checkpoint = loadCheckpoint(from);
const config = validateConfig(checkpoint.config as TrainConfig);
const runId = Number(/run-(\d+)/.exec(from)?.[1] ?? 0);
exportRunModel(out, parseArch(config.arch, config.scale), checkpoint.params, {
  runId,
  config,
  step: checkpoint.step,
  scores: {},
  seconds: checkpoint.seconds ?? 0,
});
console.log(`${out}: run ${runId}, step ${checkpoint.step}`);
